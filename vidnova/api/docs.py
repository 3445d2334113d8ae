"""The API documentation page, built on the server from the generated OpenAPI schema.

No Swagger UI: the schema is walked here into plain data (operations, parameter and field tables,
an example curl command) that the template renders as an accessible HTML page. Descriptions come
from the schema, so the page and the schema cannot drift apart.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.generators import SchemaGenerator
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from vidnova.api.pagination import MAX_PAGE_SIZE

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
# drf-spectacular appends the choices of an enum to descriptions as lines "* `value` - label"; the page
# shows the allowed values in their own line instead.
_CHOICE_LINE = re.compile(r"^\* `[^`]*` - ")
_MAX_DEPTH = 4


@dataclass
class Row:
    """A parameter or a field of a body: one row of a table."""

    name: str
    type: str
    description: list[str]
    values: list[str] = field(default_factory=list)
    required: bool = False
    location: str = ""


@dataclass
class Outcome:
    status: str
    description: str


@dataclass
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: list[str]
    parameters: list[Row]
    request_fields: list[Row]
    response_status: str
    response_fields: list[Row]
    outcomes: list[Outcome]
    curl: str
    needs_token: bool


@dataclass
class ApiDocs:
    version: str
    operations: list[Operation]
    schema_url: str
    page_size: int
    max_page_size: int
    anonymous_rate: str
    example_url: str


def build(request: HttpRequest) -> ApiDocs:
    """The documentation of every operation of the API, in the active language."""
    schema = _schema(translation.get_language() or settings.LANGUAGE_CODE)
    base_url = request.build_absolute_uri("/").rstrip("/")
    components: dict[str, Any] = schema.get("components", {}).get("schemas", {})
    operations = [
        _operation(path, method, spec, components, base_url)
        for path, methods in schema.get("paths", {}).items()
        for method, spec in methods.items()
        if method in HTTP_METHODS
    ]
    hromada_list = reverse("api:hromada-list")
    return ApiDocs(
        version=str(schema["info"]["version"]),
        operations=operations,
        schema_url=reverse("api-schema"),
        page_size=int(api_settings.PAGE_SIZE or 0),
        max_page_size=MAX_PAGE_SIZE,
        anonymous_rate=_anonymous_rate(),
        example_url=f"{base_url}{hromada_list}?q=Buchanska",
    )


@functools.lru_cache(maxsize=8)
def _schema(language: str) -> dict[str, Any]:
    """The public schema in ``language``, generated once per process and language (the API does not
    change while the process runs; generating takes a few hundred milliseconds)."""
    with translation.override(language):
        return generate_schema()


def generate_schema() -> dict[str, Any]:
    """The public OpenAPI schema of the API, in the active language."""
    generator_class: Any = SchemaGenerator  # drf-spectacular's generator is not annotated
    # No request: the generator uses a mock one, so no page's query string reaches the views.
    schema: dict[str, Any] = generator_class().get_schema(request=None, public=True)
    return schema


def _anonymous_rate() -> str:
    if not api_settings.DEFAULT_THROTTLE_RATES.get("anon"):
        return ""
    throttle = AnonRateThrottle()
    count, seconds = throttle.parse_rate(throttle.rate)
    if count is None or seconds is None:
        return ""
    per = {
        1: ngettext("%(count)d request per second", "%(count)d requests per second", count),
        60: ngettext("%(count)d request per minute", "%(count)d requests per minute", count),
        3600: ngettext("%(count)d request per hour", "%(count)d requests per hour", count),
        86400: ngettext("%(count)d request per day", "%(count)d requests per day", count),
    }
    return per[seconds] % {"count": count}


def _operation(path: str, method: str, spec: Mapping[str, Any], components: Mapping[str, Any], base: str) -> Operation:
    # Path parameters first, then the query string (each alphabetical, as in the schema).
    parameters = sorted(
        (_parameter(item, components) for item in spec.get("parameters", [])), key=lambda row: row.location != "path"
    )
    request_fields: list[Row] = []
    request_example: Any = None
    content = spec.get("requestBody", {}).get("content", {}).get("application/json")
    if content:
        request_fields = list(_fields(content["schema"], components))
        examples = content.get("examples", {})
        request_example = next(iter(examples.values()))["value"] if examples else None
    success = next((code for code in spec.get("responses", {}) if code.startswith("2")), "")
    response_fields: list[Row] = []
    if success:
        body = spec["responses"][success].get("content", {}).get("application/json")
        if body:
            response_fields = list(_fields(body["schema"], components))
    url = base + _fill_path(path, spec.get("parameters", []))
    needs_token = method != "get"
    return Operation(
        anchor=str(spec.get("operationId", f"{method}-{path}")),
        method=method.upper(),
        path=path,
        summary=str(spec.get("summary", "")),
        description=_paragraphs(spec.get("description", "")),
        parameters=parameters,
        request_fields=request_fields,
        response_status=success,
        response_fields=response_fields,
        outcomes=[
            Outcome(status=code, description=str(response.get("description") or "") or _("Success"))
            for code, response in spec.get("responses", {}).items()
        ],
        curl=_curl(method, url, request_example, needs_token),
        needs_token=needs_token,
    )


def _fill_path(path: str, parameters: list[Mapping[str, Any]]) -> str:
    for parameter in parameters:
        if parameter.get("in") == "path":
            examples = parameter.get("examples", {})
            value = next(iter(examples.values()))["value"] if examples else parameter["name"].upper()
            path = path.replace("{" + parameter["name"] + "}", str(value))
    return path


def _curl(method: str, url: str, body: Any, needs_token: bool) -> str:
    parts = ["curl"]
    if method != "get":
        parts += ["-X", method.upper()]
    if needs_token:
        parts += ["-H", shlex.quote("Authorization: Token YOUR_TOKEN")]
    if body is not None:
        parts += ["-H", shlex.quote("Content-Type: application/json"), "-d", shlex.quote(json.dumps(body))]
    parts.append(shlex.quote(url))
    return " ".join(parts)


def _parameter(parameter: Mapping[str, Any], components: Mapping[str, Any]) -> Row:
    schema = parameter.get("schema", {})
    return Row(
        name=str(parameter["name"]),
        location=str(parameter.get("in", "")),
        type=_type(schema, components),
        required=bool(parameter.get("required", False)),
        description=_paragraphs(parameter.get("description", "")),
        values=_values(schema, components),
    )


def _fields(
    schema: Mapping[str, Any], components: Mapping[str, Any], prefix: str = "", depth: int = 0
) -> Iterator[Row]:
    """Rows for every property of an object schema, nested objects and arrays flattened into
    dotted names (``oblast.katottg``, ``results[].name_uk``)."""
    schema = _resolve(schema, components)
    if schema.get("type") == "array":
        yield from _fields(schema.get("items", {}), components, f"{prefix}[]", depth)
        return
    required = set(schema.get("required", []))
    for name, prop in schema.get("properties", {}).items():
        full_name = f"{prefix}.{name}" if prefix else name
        yield Row(
            name=full_name,
            type=_type(prop, components),
            description=_paragraphs(prop.get("description", "")),
            values=_values(prop, components),
            required=name in required,
        )
        if depth < _MAX_DEPTH:
            target = _resolve(prop, components)
            if target.get("type") == "array":
                target = _resolve(target.get("items", {}), components)
                full_name += "[]"
            if target.get("properties"):
                yield from _fields(target, components, full_name, depth + 1)


def _resolve(schema: Mapping[str, Any], components: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow a $ref, or the one non-null alternative of allOf/oneOf/anyOf."""
    for _step in range(_MAX_DEPTH):
        if "$ref" in schema:
            schema = components.get(str(schema["$ref"]).rsplit("/", 1)[-1], {})
            continue
        alternatives = [
            item
            for key in ("allOf", "oneOf", "anyOf")
            for item in schema.get(key, [])
            if not _is_null_enum(item, components)
        ]
        if len(alternatives) == 1 and "properties" not in schema:
            schema = alternatives[0]
            continue
        break
    return schema


def _is_null_enum(schema: Mapping[str, Any], components: Mapping[str, Any]) -> bool:
    if "$ref" in schema:
        schema = components.get(str(schema["$ref"]).rsplit("/", 1)[-1], {})
    return schema.get("enum") == [None]


def _nullable(schema: Mapping[str, Any], components: Mapping[str, Any]) -> bool:
    if schema.get("nullable"):
        return True
    return any(_is_null_enum(item, components) for key in ("oneOf", "anyOf") for item in schema.get(key, []))


def _type(schema: Mapping[str, Any], components: Mapping[str, Any]) -> str:
    target = _resolve(schema, components)
    kind = str(target.get("type", "object" if target.get("properties") else ""))
    if kind == "array":
        text = _("array of %(items)s") % {"items": _type(target.get("items", {}), components)}
    elif target.get("format"):
        text = f"{kind} ({target['format']})"
    else:
        text = kind or _("any")
    if _nullable(schema, components) or _nullable(target, components):
        text = _("%(type)s or null") % {"type": text}
    return text


def _values(schema: Mapping[str, Any], components: Mapping[str, Any]) -> list[str]:
    target = _resolve(schema, components)
    return [str(value) for value in target.get("enum", []) if value not in (None, "")]


def _paragraphs(text: Any) -> list[str]:
    """Paragraphs of a description, without drf-spectacular's generated list of choices."""
    paragraphs = []
    for block in str(text or "").split("\n\n"):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if lines and not all(_CHOICE_LINE.match(line) for line in lines):
            paragraphs.append(" ".join(lines))
    return paragraphs
