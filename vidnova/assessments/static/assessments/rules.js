/* Vidnova: evaluates the JSON expression trees of an instrument (relevant, constraint,
   choice_filter) in the browser, with the same rules as vidnova/assessments/expressions.py.
   vidnova/assessments/tests/expression_cases.json and tests_browser/test_assessment_rules.py prove
   that both agree. No dependencies, no eval (the CSP forbids it). */
(function () {
  "use strict";
  var NUM = /^[ \t\r\n]*-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[ \t\r\n]*$/;
  var SPACE = /[ \t\r\n]+/;

  function value(raw) {
    if (raw === null || raw === undefined) return "";
    if (typeof raw === "string" || typeof raw === "boolean" || typeof raw === "number") return raw;
    if (Array.isArray(raw)) return raw.join(" ");
    return String(raw);
  }
  function isNum(v) { return typeof v === "number"; }
  function looksNum(v) { return isNum(v) || (typeof v === "string" && NUM.test(v)); }
  function num(v) {
    if (typeof v === "boolean") return v ? 1 : 0;
    if (isNum(v)) return v;
    return typeof v === "string" && NUM.test(v) ? parseFloat(v) : NaN;
  }
  function str(v) {
    if (typeof v === "boolean") return v ? "true" : "false";
    return String(v); // numbers: "3", "2.5", "NaN", "Infinity", as XPath's string()
  }
  function bool(v) {
    if (typeof v === "boolean") return v;
    if (isNum(v)) return !(v === 0 || v !== v);
    return v !== "";
  }
  function tokens(v) {
    return str(v).split(SPACE).filter(function (t) { return t !== ""; });
  }
  function trim(s) { return s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, ""); }

  function compare(op, a, b) {
    var x, y, eq;
    if (op === "=" || op === "!=") {
      if (typeof a === "boolean" || typeof b === "boolean") eq = bool(a) === bool(b);
      else if (looksNum(a) && looksNum(b)) eq = num(a) === num(b);
      else if (isNum(a) || isNum(b)) eq = false;
      else eq = a === b;
      return op === "=" ? eq : !eq;
    }
    if (typeof a === "boolean" || typeof b === "boolean" || (looksNum(a) && looksNum(b))) {
      x = num(a); y = num(b);
    } else if (isNum(a) || isNum(b) || a === "" || b === "") {
      return false;
    } else {
      x = a; y = b;
    }
    if (op === "<") return x < y;
    if (op === "<=") return x <= y;
    if (op === ">") return x > y;
    return x >= y;
  }

  function arithmetic(op, a, b) {
    var x = num(a), y = num(b);
    if (op === "+") return x + y;
    if (op === "-") return x - y;
    if (op === "*") return x * y;
    if (y === 0 || y !== y || x !== x) return NaN;
    if (op === "div") return x / y;
    if (x === Infinity || x === -Infinity) return NaN;
    return x % y;
  }

  var CMP = { "=": 1, "!=": 1, "<": 1, "<=": 1, ">": 1, ">=": 1 };
  var ARITH = { "+": 1, "-": 1, "*": 1, "div": 1, "mod": 1 };

  function evaluate(e, answers, current, choice) {
    var own = Object.prototype.hasOwnProperty, i, a = e.args || [];
    function ev(x) { return evaluate(x, answers, current, choice); }
    if (own.call(e, "lit")) return e.lit;
    if (own.call(e, "ref")) return value(answers && own.call(answers, e.ref) ? answers[e.ref] : null);
    if (own.call(e, "self")) return value(current);
    if (own.call(e, "col")) return value(choice && own.call(choice, e.col) ? choice[e.col] : null);
    if (e.fn === "selected") return tokens(ev(a[0])).indexOf(trim(str(ev(a[1])))) >= 0;
    if (e.fn === "count-selected") return tokens(ev(a[0])).length;
    if (e.op === "and") {
      for (i = 0; i < a.length; i++) if (!bool(ev(a[i]))) return false;
      return true;
    }
    if (e.op === "or") {
      for (i = 0; i < a.length; i++) if (bool(ev(a[i]))) return true;
      return false;
    }
    if (e.op === "not") return !bool(ev(a[0]));
    if (CMP[e.op]) return compare(e.op, ev(a[0]), ev(a[1]));
    if (ARITH[e.op]) return arithmetic(e.op, ev(a[0]), ev(a[1]));
    throw new Error("unknown expression node " + JSON.stringify(e));
  }

  function empty(v) {
    return v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0);
  }
  function isRelevant(q, answers) {
    return !q.relevant || bool(evaluate(q.relevant, answers));
  }
  function constraintOk(q, answers, v) {
    if (!q.constraint || empty(v)) return true;
    var merged = {}, k;
    for (k in answers) if (Object.prototype.hasOwnProperty.call(answers, k)) merged[k] = answers[k];
    merged[q.name] = v;
    return bool(evaluate(q.constraint, merged, v));
  }
  function choiceOk(q, c, answers) {
    if (!q.choice_filter) return true;
    var row = {}, k, extra = c.extra || {};
    for (k in extra) if (Object.prototype.hasOwnProperty.call(extra, k)) row[k] = extra[k];
    row.name = c.name;
    return bool(evaluate(q.choice_filter, answers, null, row));
  }

  window.VidnovaRules = {
    evaluate: evaluate, toBoolean: bool, isRelevant: isRelevant,
    constraintOk: constraintOk, choiceOk: choiceOk
  };
})();
