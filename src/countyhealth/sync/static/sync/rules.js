/* Provisional follow-up classification on the phone (PHS3 §3.3–§3.5, §4.3–§4.4), evaluated over the rule tables
   the server serves as data (/api/sync/rules, from publichealth.rules). A port of publichealth/rules/followup.py,
   hypertension.py and diabetes.py; tests/sync test_rules_js.py runs both on one table of cases and compares.
   The server's classification, returned after sync, is authoritative. */
(function (root) {
  "use strict";

  // Half-up rounding to 1 decimal on the decimal text (rules/measures.py round_half_up): integer tenths.
  function tenths(value) {
    if (value === null || value === undefined || value === "") return null;
    var text = String(value).trim();
    var negative = text.charAt(0) === "-";
    if (negative) text = text.slice(1);
    var parts = text.split(".");
    var whole = parseInt(parts[0] || "0", 10);
    var fraction = (parts[1] || "") + "00";
    if (isNaN(whole) || !/^\d*$/.test(parts[1] || "")) return null;
    var t = whole * 10 + Number(fraction.charAt(0)) + (Number(fraction.charAt(1)) >= 5 ? 1 : 0);
    return negative ? -t : t;
  }

  function parseDay(text) {
    var p = text.split("-").map(Number);
    return { y: p[0], m: p[1], d: p[2] };
  }

  function iso(y, m, d) {
    return y + "-" + String(m).padStart(2, "0") + "-" + String(d).padStart(2, "0");
  }

  function ageOn(birth, on) {
    var b = parseDay(birth), o = parseDay(on);
    return o.y - b.y - ((o.m < b.m || (o.m === b.m && o.d < b.d)) ? 1 : 0);
  }

  function addMonths(day, months) {
    var p = parseDay(day);
    var index = p.y * 12 + p.m - 1 + months;
    var y = Math.floor(index / 12), m = index % 12 + 1;
    var last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    return iso(y, m, Math.min(p.d, last));
  }

  function addDays(day, days) {
    var p = parseDay(day);
    var t = new Date(Date.UTC(p.y, p.m - 1, p.d + days));
    return iso(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
  }

  function rulesOn(data, day) {
    var inForce = data.rule_sets.filter(function (r) { return r.effective_from <= day; });
    if (!inForce.length) return data.rule_sets[0];
    return inForce.reduce(function (a, b) { return a.effective_from >= b.effective_from ? a : b; });
  }

  function has(v) { return v !== null && v !== undefined && v !== ""; }

  function isSevereBp(f, rs) {
    return (has(f.sbp) && f.sbp >= rs.emergency_sbp) || (has(f.dbp) && f.dbp >= rs.emergency_dbp);
  }

  function controlled(programme, visit, birth, rs) {
    if (programme === "hypertension") {
      if (!has(visit.sbp) || !has(visit.dbp)) throw new Error("A hypertension follow-up needs SBP and DBP.");
      var older = ageOn(birth, visit.visit_date) >= rs.htn_older_age;
      return visit.sbp < (older ? rs.htn_older_target_sbp : rs.htn_target_sbp) && visit.dbp < rs.htn_target_dbp;
    }
    if (!has(visit.fpg)) throw new Error("A diabetes follow-up needs a fasting plasma glucose.");
    return tenths(visit.fpg) < tenths(rs.dm_control_fpg);
  }

  function programmesOf(f) {
    var set = [f.programme];
    (f.other_programmes || []).forEach(function (p) {
      if ((p === "hypertension" || p === "diabetes") && set.indexOf(p) < 0) set.push(p);
    });
    return set;
  }

  function htnEmergency(f, rs, data) {
    var out = [];
    if (isSevereBp(f, rs)) out.push("E1");
    data.danger_signs.hypertension.forEach(function (s) {
      if (f.danger_signs.indexOf(s.code) >= 0) out.push({ code: "E2", label: s.label });
    });
    if ((f.pregnant || f.lactating) &&
        ((has(f.sbp) && f.sbp >= rs.pregnancy_sbp) || (has(f.dbp) && f.dbp >= rs.pregnancy_dbp))) out.push("E3");
    if (f.other_unmanageable) out.push("E4");
    return out;
  }

  function dmEmergency(f, rs, data) {
    var out = [];
    var glucose = [f.fpg, f.random_glucose].filter(has).map(tenths);
    if (glucose.some(function (g) { return g >= tenths(rs.glucose_emergency_high); })) out.push("D1");
    if (glucose.some(function (g) { return g <= tenths(rs.glucose_emergency_low); })) out.push("D2");
    if (isSevereBp(f, rs)) out.push("D3");
    data.danger_signs.diabetes.forEach(function (s) {
      if (s.criterion === "D4" && f.danger_signs.indexOf(s.code) >= 0) out.push({ code: "D4", label: s.label });
    });
    if (has(f.heart_rate) && f.heart_rate > rs.heart_rate_max) out.push("D5");
    if (has(f.temperature) && tenths(f.temperature) > tenths(rs.temperature_max)) out.push("D6");
    data.danger_signs.diabetes.forEach(function (s) {
      if (s.criterion === "D7" && f.danger_signs.indexOf(s.code) >= 0) out.push({ code: "D7", label: s.label });
    });
    if (has(f.fpg)) {
      var fpg = tenths(f.fpg);
      if (f.pregnant && fpg >= tenths(rs.pregnant_fpg)) out.push({ code: "D8", key: "D8_pregnant" });
      else if (f.lactating && fpg >= tenths(rs.lactating_fpg)) out.push({ code: "D8", key: "D8_lactating" });
    }
    if (f.other_unmanageable) out.push("D9");
    return out;
  }

  function reason(item, data) {
    if (typeof item === "string") return { code: item, label: data.reasons[item] || item };
    return { code: item.code, label: item.label || data.reasons[item.key] || item.code };
  }

  function emergencyReasons(f, rs, data) {
    var all = programmesOf(f);
    var order = [f.programme].concat(all.filter(function (p) { return p !== f.programme; }).sort());
    var out = [];
    order.forEach(function (programme) {
      var codes = out.map(function (r) { return r.code; });
      var found = programme === "hypertension" ? htnEmergency(f, rs, data) : dmEmergency(f, rs, data);
      found.map(function (r) { return reason(r, data); }).forEach(function (r) {
        if (codes.indexOf(data.same_criterion[r.code]) < 0) out.push(r);
      });
    });
    return out;
  }

  function notices(f, rs, data) {
    var warnings = [], advisories = [];
    var all = programmesOf(f);
    all.slice().sort().forEach(function (programme) {
      if (programme === "hypertension") {
        if (has(f.heart_rate) && f.heart_rate > rs.heart_rate_max && all.indexOf("diabetes") < 0) {
          warnings.push(reason("TACHYCARDIA", data));
        }
        if (has(f.sbp) && has(f.dbp) && (all.indexOf("diabetes") >= 0 || f.has_ckd) &&
            controlled("hypertension", f, f.birth_date, rs) &&
            (f.sbp >= rs.htn_advice_sbp || f.dbp >= rs.htn_advice_dbp)) {
          advisories.push(reason("BP_ABOVE_CLINICAL_TARGET", data));
        }
      } else if (has(f.fpg)) {
        var fpg = tenths(f.fpg);
        if (tenths(rs.glucose_emergency_low) < fpg && fpg < tenths(rs.dm_guideline_low_fpg)) {
          advisories.push(reason("FPG_BELOW_GUIDELINE", data));
        }
      }
    });
    return { warnings: warnings, advisories: advisories };
  }

  function validate(f, data, today) {
    var errors = {};
    ["sbp", "dbp", "heart_rate", "temperature", "weight_kg", "height_cm", "fpg", "random_glucose"].forEach(function (name) {
      if (!has(f[name])) return;
      var range = data.vital_ranges[name];
      var value = tenths(f[name]);
      if (value === null || value < tenths(range[0]) || value > tenths(range[1])) errors[name] = data.range_messages[name];
    });
    if (has(f.sbp) && has(f.dbp) && !errors.sbp && !errors.dbp && f.sbp <= f.dbp) errors.sbp = data.messages.sbp_above_dbp;
    if (f.programme === "hypertension") {
      if (!has(f.sbp)) errors.sbp = errors.sbp || data.messages.required;
      if (!has(f.dbp)) errors.dbp = errors.dbp || data.messages.required;
    } else if (!has(f.fpg)) {
      errors.fpg = errors.fpg || data.messages.required;
    }
    if (today && f.visit_date > today) errors.visit_date = data.messages.future;
    return errors;
  }

  /* facts: {programme, visit_date, birth_date, sbp, dbp, fpg, random_glucose, heart_rate, temperature, pregnant,
     lactating, danger_signs[], adr, adr_uncontrollable, new_or_worse_complication, other_unmanageable,
     other_programmes[]}; previous: the latest earlier face-to-face visit {visit_date, sbp, dbp, fpg, adr,
     next_action} or null. Throws when the control measurement is missing, as the Python rule does. */
  function classify(f, previous, data) {
    f = Object.assign({ danger_signs: [], other_programmes: [] }, f);
    var rs = rulesOn(data, f.visit_date);
    var isControlled = controlled(f.programme, f, f.birth_date, rs);
    var hasAdr = !!(f.adr || f.adr_uncontrollable);
    var cls = f.new_or_worse_complication ? "COMPLICATION" : hasAdr ? "ADVERSE_REACTION"
      : isControlled ? "CONTROLLED" : "UNCONTROLLED";
    var n = notices(f, rs, data);
    var restart = !previous || previous.next_action === "EMERGENCY_REFERRAL" || previous.next_action === "REFERRAL";
    var previousUncontrolled = false;
    if (!restart) {
      try {
        previousUncontrolled = !controlled(f.programme, previous, f.birth_date, rulesOn(data, previous.visit_date));
      } catch (e) {
        previousUncontrolled = false;
      }
    }
    var previousAdr = !restart && !!previous.adr;
    var emergency = emergencyReasons(f, rs, data);
    var referral = [];
    if (f.new_or_worse_complication) referral.push(reason("R1", data));
    if (f.adr_uncontrollable) referral.push(reason("R2", data));
    if (!isControlled && previousUncontrolled) referral.push(reason("R3", data));
    if (hasAdr && previousAdr) referral.push(reason("R4", data));
    var adjust = [];
    if (!isControlled) adjust.push(reason("A1", data));
    if (hasAdr) adjust.push(reason("A2", data));
    var action, reasons;
    if (emergency.length) { action = "EMERGENCY_REFERRAL"; reasons = emergency; }
    else if (referral.length) { action = "REFERRAL"; reasons = referral; }
    else if (adjust.length) { action = "ADJUST_AND_REVISIT"; reasons = adjust; }
    else { action = "ROUTINE"; reasons = []; }
    return {
      follow_up_class: cls,
      next_action: action,
      next_due: action === "ROUTINE" ? addMonths(f.visit_date, rs.routine_months) : addDays(f.visit_date, rs.revisit_days),
      controlled: isControlled,
      reasons: reasons,
      warnings: n.warnings,
      advisories: n.advisories,
    };
  }

  // PHS3 §5.1 self-care total over the served table (records/rules.py self_care_score and self_care_band): null
  // until every item has an answer the printed form offers. answers: item → level code "1"…"4".
  function selfCare(answers, data) {
    var table = data.elderly, total = 0;
    for (var i = 0; i < table.self_care_items.length; i++) {
      var item = table.self_care_items[i], level = answers[item.item];
      var score = level ? item.scores[Number(level) - 1] : null;
      if (score === null || score === undefined) return null;
      total += score;
    }
    var band = table.self_care_bands.filter(function (b) { return total >= b[0]; })[0][1];
    return { score: total, band: band };
  }

  var api = { classify: classify, validate: validate, selfCare: selfCare, tenths: tenths, addMonths: addMonths,
    addDays: addDays };
  root.SyncRules = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
