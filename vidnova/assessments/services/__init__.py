"""Every write of the assessments app, by area (instruments, rounds, answers, workflow, imports,
selection). The instrument writes are re-exported here for the commands and tests that use them."""

from vidnova.assessments.services.instruments import (
    DEFAULT_INSTRUMENT_PATH,
    InstrumentImport,
    instrument_import,
    instrument_import_with_result,
    instrument_load_default,
    instrument_xlsform,
)

__all__ = [
    "DEFAULT_INSTRUMENT_PATH",
    "InstrumentImport",
    "instrument_import",
    "instrument_import_with_result",
    "instrument_load_default",
    "instrument_xlsform",
]
