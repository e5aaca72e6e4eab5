/* The village doctor's offline-first app: everything is read from and written to IndexedDB; sync pushes the
   queue (each change once, by mutation id) and then pulls the catchment's changes after the server cursor. */
(function () {
  "use strict";
  var S = JSON.parse(document.getElementById("sync-strings").textContent);
  var CONFIG = JSON.parse(document.getElementById("sync-config").textContent);
  var API = CONFIG.api;
  // A push starts at the server's largest; one that gets no answer (poor signal) halves the next, down to
  // PUSH_MIN, as a smaller request gets through more often; each answered push doubles it again.
  var PUSH_MAX = CONFIG.push_max, PUSH_MIN = 25;
  var pushSize = PUSH_MAX;
  var view = document.getElementById("view");
  var syncButton = document.getElementById("sync-button");
  var net = document.getElementById("net");
  var store = null;
  var meta = {};
  var syncing = false;

  function T(key) { return S[key] || key; }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "on") Object.keys(attrs.on).forEach(function (e) { node.addEventListener(e, attrs.on[e]); });
      else if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function show() {
    view.innerHTML = "";
    Array.prototype.forEach.call(arguments, function (n) { if (n) view.appendChild(n); });
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }

  function setMeta(key, value) { meta[key] = value; return store.put("meta", value, key); }

  // --- server calls ------------------------------------------------------------------------------------

  function Unauthorised() { this.name = "Unauthorised"; }

  function call(method, path, body) {
    var headers = { "Accept": "application/json" };
    if (meta.token) headers.Authorization = "Bearer " + meta.token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(API + path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (response) {
        if (response.status === 401 && meta.token) throw new Unauthorised();
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) {
            var error = new Error(data.message || data.detail || response.statusText);
            error.data = data; error.status = response.status;
            throw error;
          }
          return data;
        });
      });
  }

  // The token no longer works (revoked by an administrator, or expired): the phone forgets everything.
  function forget(message) {
    return store.wipe().then(function () {
      meta = {};
      renderLogin(message);
    });
  }

  // --- sync ------------------------------------------------------------------------------------------

  function queueItems() {
    return store.all("queue").then(function (items) {
      return items.sort(function (a, b) { return a.seq - b.seq; });
    });
  }

  function enqueue(kind, payload, extra) {
    return queueItems().then(function (items) {
      var seq = items.length ? items[items.length - 1].seq + 1 : 1;
      var item = Object.assign({ id: uuid(), seq: seq, kind: kind, payload: payload, status: "waiting",
        created: new Date().toISOString() }, extra || {});
      return store.put("queue", item).then(function () { updateStatus(); if (navigator.onLine) sync(); return item; });
    });
  }

  function applyResult(item, result) {
    if (result.status === "applied") {
      item.status = "synced";
      item.result = result;
      item.reason = "";
      var work = Promise.resolve();
      if (item.kind === "register_resident") work = adoptRegistered(item, result.server_id);
      return work.then(function () { return store.put("queue", item); });
    }
    item.status = result.code === "edit_conflict" ? "conflict" : "failed";
    item.reason = result.message || "";
    item.fields = result.fields || {};
    item.conflicts = result.conflicts || null;
    item.code = result.code;
    return store.put("queue", item);
  }

  // A resident registered on the phone gets the server id: move the record and point the queue at it.
  function adoptRegistered(item, serverId) {
    var oldKey = "c:" + item.payload.client_id, newKey = "r:" + serverId;
    return store.get("residents", oldKey).then(function (r) {
      var work = [];
      if (r) {
        r.key = newKey; r.id = serverId;
        work.push(store.remove("residents", oldKey), store.put("residents", r));
      }
      return Promise.all(work).then(queueItems).then(function (items) {
        var moved = items.filter(function (q) { return q.resident_key === oldKey; });
        moved.forEach(function (q) { q.resident_key = newKey; });
        return store.putMany("queue", moved);
      });
    });
  }

  function push() {
    return queueItems().then(function (items) {
      var size = pushSize;
      var batch = items.filter(function (q) { return q.status === "waiting"; }).slice(0, size);
      if (!batch.length) return;
      var body = { mutations: batch.map(function (q) { return { id: q.id, kind: q.kind, payload: q.payload }; }) };
      batch.forEach(function (q) { q.status = "sending"; });
      return store.putMany("queue", batch).then(function () {
        return call("POST", "/push", body).catch(function (error) {
          // No answer: the items wait; resending them is harmless, the server applies each mutation id once.
          if (!error.status || error.status >= 500) pushSize = Math.max(PUSH_MIN, Math.floor(size / 2));
          batch.forEach(function (q) { q.status = "waiting"; });
          return store.putMany("queue", batch).then(function () { throw error; });
        });
      }).then(function (data) {
        pushSize = Math.min(PUSH_MAX, size * 2);
        var byId = {};
        data.results.forEach(function (r) { byId[r.id] = r; });
        return batch.reduce(function (p, q) {
          return p.then(function () { return byId[q.id] ? applyResult(q, byId[q.id]) : null; });
        }, Promise.resolve()).then(function () {
          if (batch.length === size) return push();
        });
      });
    });
  }

  function storeBundles(bundles) {
    return store.putMany("residents", bundles.map(function (b) { b.key = "r:" + b.id; return b; }));
  }

  function pull() {
    if (!meta.cursor) {
      var cursor = null;
      var page = function (after) {
        return call("GET", "/catchment?after=" + after).then(function (data) {
          if (!after) cursor = data.cursor;
          return storeBundles(data.residents).then(function () {
            if (data.next_after) return page(data.next_after);
            return setMeta("cursor", cursor);
          });
        });
      };
      return page("");
    }
    return call("GET", "/changes?cursor=" + encodeURIComponent(meta.cursor)).then(function (data) {
      return storeBundles(data.residents).then(function () { return setMeta("cursor", data.cursor); })
        .then(function () { if (data.more) return pull(); });
    });
  }

  // Push before pull, so the pull brings back the server's view of what was just sent.
  function sync() {
    if (syncing || !meta.token) return Promise.resolve();
    syncing = true;
    net.textContent = T("syncing");
    return queueItems().then(function (items) {
      // A retry after an interrupted push: the server answers replays from its stored results.
      var stuck = items.filter(function (q) { return q.status === "sending"; });
      stuck.forEach(function (q) { q.status = "waiting"; });
      var week = new Date(Date.now() - 7 * 864e5).toISOString();
      var old = items.filter(function (q) { return q.status === "synced" && q.created < week; });
      return store.putMany("queue", stuck).then(function () {
        return Promise.all(old.map(function (q) { return store.remove("queue", q.id); }));
      });
    }).then(push).then(pull).then(function () {
      return setMeta("last_sync", new Date().toISOString());
    }).then(function () {
      syncing = false;
      updateStatus();
      route();
    }).catch(function (error) {
      syncing = false;
      if (error instanceof Unauthorised) return forget(T("revoked"));
      net.textContent = T("sync_failed") + " " + (error.message || "");
      updateStatus(true);
    });
  }

  function updateStatus(keepText) {
    syncButton.hidden = !meta.token;
    return queueItems().then(function (items) {
      var waiting = items.filter(function (q) { return q.status === "waiting" || q.status === "sending"; }).length;
      var failed = items.filter(function (q) { return q.status === "failed" || q.status === "conflict"; }).length;
      syncButton.textContent = T("sync") + (waiting ? " (" + waiting + ")" : "");
      if (!keepText) {
        net.textContent = (navigator.onLine ? T("online") : T("offline")) +
          (failed ? " · " + failed + " " + T("need_attention") : "");
      }
      net.className = "net " + (navigator.onLine ? "on" : "off");
    });
  }

  // --- residents ---------------------------------------------------------------------------------------

  function residents() { return store.all("residents"); }

  function matches(r, q) {
    q = q.trim().toLowerCase();
    if (!q) return false;
    return r.name.indexOf(q) >= 0 || (r.initials || "").indexOf(q) === 0 || (r.pinyin || "").indexOf(q) === 0 ||
      (r.id_number || "").toLowerCase().indexOf(q) >= 0;
  }

  function sexLabel(code) { return { "1": T("male"), "2": T("female") }[code] || ""; }

  function local(items, key, kinds) {
    return items.filter(function (q) { return q.resident_key === key && kinds.indexOf(q.kind) >= 0; });
  }

  function statusBadge(q) {
    return el("span", { "class": "badge " + q.status, text: T("status_" + q.status) });
  }

  function enrolled(r, programme) {
    return (r.enrolments || []).some(function (e) { return e.programme === programme; });
  }

  function dueItems(all, items) {
    var horizon = SyncRules.addDays(today(), 30);
    var rows = [];
    all.forEach(function (r) {
      (r.enrolments || []).forEach(function (e) {
        if (e.status !== "active" || !e.next_due) return;
        var due = e.next_due;
        local(items, r.key, ["followup"]).forEach(function (q) {
          if (q.payload.programme !== e.programme) return;
          var decided = q.result ? q.result.next_due : q.provisional && q.provisional.next_due;
          if (decided && q.payload.data.visit_date >= (e.last_visit_date || "")) due = decided;
        });
        if (due <= horizon) rows.push({ r: r, e: e, due: due });
      });
    });
    return rows.sort(function (a, b) { return a.due < b.due ? -1 : 1; });
  }

  function renderHome() {
    var q = sessionStorage.getItem("sync-search") || "";
    Promise.all([residents(), queueItems()]).then(function (got) {
      var all = got[0], items = got[1];
      var results = el("ul", { "class": "list", id: "search-results" });
      var search = el("input", { type: "search", id: "search", placeholder: T("search_placeholder"), value: q,
        "aria-label": T("search") });
      var fill = function () {
        results.innerHTML = "";
        sessionStorage.setItem("sync-search", search.value);
        all.filter(function (r) { return matches(r, search.value); }).slice(0, 30).forEach(function (r) {
          results.appendChild(el("li", {}, [el("a", { href: "#resident/" + r.key, text: r.name }),
            el("span", { "class": "muted", text: " " + sexLabel(r.sex) + " " + r.birth_date })]));
        });
      };
      search.addEventListener("input", fill);
      fill();
      var due = el("ul", { "class": "list", id: "due-list" });
      dueItems(all, items).slice(0, 100).forEach(function (row) {
        due.appendChild(el("li", { "class": row.due < today() ? "overdue" : "" }, [
          el("a", { href: "#resident/" + row.r.key, text: row.r.name }),
          el("span", { text: " " + T("programme_" + row.e.programme) + " · " + row.due }),
        ]));
      });
      var pending = items.filter(function (x) { return x.status !== "synced"; }).length;
      show(
        el("p", { "class": "who", text: meta.display_name + " · " + all.length + " " + T("residents_on_phone") }),
        search, results,
        el("nav", { "class": "actions" }, [
          el("a", { href: "#queue", "class": "button", text: T("queue") + " (" + pending + ")" }),
          el("a", { href: "#register", "class": "button", text: T("register") }),
          el("button", { type: "button", text: T("logout"), on: { click: logout } }),
        ]),
        el("h2", { text: T("due_list") }), due
      );
    });
  }

  function findResident(key) {
    return store.get("residents", key);
  }

  function renderResident(key) {
    Promise.all([findResident(key), queueItems()]).then(function (got) {
      var r = got[0], items = got[1];
      if (!r) { location.hash = ""; return; }
      var edits = local(items, key, ["update_resident"]).filter(function (q) { return q.status !== "synced"; });
      var shown = Object.assign({}, r);
      edits.forEach(function (q) { Object.assign(shown, q.payload.changes); });
      var list = el("ul", { "class": "list" });
      (r.enrolments || []).forEach(function (e) {
        list.appendChild(el("li", { text: T("programme_" + e.programme) + " · " + T("next_due") + " " + (e.next_due || "—") }));
      });
      var visits = el("ul", { "class": "list", id: "visits" });
      (r.followups || []).forEach(function (v) {
        visits.appendChild(el("li", { text: v.visit_date + " " + T("programme_" + v.programme) + " · " +
          (meta.rules.classes[v.follow_up_class] || v.follow_up_class) + " · " + T("next_due") + " " + v.next_due }));
      });
      local(items, key, ["followup", "child_visit", "elderly_check"]).forEach(function (q) {
        var res = q.result || q.provisional || {};
        var label = res.follow_up_class ? (meta.rules.classes[res.follow_up_class] || "") :
          res.self_care_band_label ? T("self_care_score") + " " + res.self_care_score + " " + res.self_care_band_label : (res.slot || "");
        visits.appendChild(el("li", { "class": "local" }, [
          (q.payload.data.visit_date || q.payload.data.check_date) + " " +
          T(q.kind === "followup" ? "programme_" + q.payload.programme : q.kind) +
          " · " + label + (res.next_due ? " · " + T("next_due") + " " + res.next_due : "") +
          (q.result ? " (" + T("server_decision") + ")" : q.provisional ? " (" + T("provisional") + ")" : "") + " ",
          statusBadge(q)]));
      });
      var contracts = el("ul", { "class": "list", id: "contracts" });
      (r.contracts || []).forEach(function (c) {
        contracts.appendChild(el("li", {}, [c.start_date + " – " + c.end_date + " · " + T("contract_" + c.status) + " ",
          c.status !== "terminated" ? el("a", { href: "#contract/" + key + "/" + c.id, text: T("renew") }) : null]));
      });
      local(items, key, ["sign_contract", "renew_contract"]).forEach(function (q) {
        contracts.appendChild(el("li", { "class": "local" }, [
          (q.result ? q.result.start_date + " – " + q.result.end_date : q.payload.start_date || T("renewal")) + " ",
          statusBadge(q)]));
      });
      var buttons = [];
      ["hypertension", "diabetes"].forEach(function (p) {
        if (enrolled(r, p)) buttons.push(el("a", { href: "#followup/" + key + "/" + p, "class": "button",
          text: T("followup_" + p) }));
      });
      if (enrolled(r, "elderly")) buttons.push(el("a", { href: "#elderly/" + key, "class": "button", text: T("elderly_check") }));
      if (enrolled(r, "child")) buttons.push(el("a", { href: "#child/" + key, "class": "button", text: T("child_visit") }));
      buttons.push(el("a", { href: "#contract/" + key, "class": "button", text: T("sign_contract") }));
      if (r.id) buttons.push(el("a", { href: "#edit/" + key, "class": "button", text: T("edit") }));
      show(
        el("p", {}, [el("a", { href: "#", text: "← " + T("home") })]),
        el("h1", { text: shown.name }),
        el("p", { text: sexLabel(shown.sex) + " " + shown.birth_date + " · " + (shown.id_number || "") + " · " + (shown.phone || "") }),
        el("nav", { "class": "actions" }, buttons),
        el("h2", { text: T("enrolments") }), list,
        el("h2", { text: T("followups") }), visits,
        el("h2", { text: T("contracts") }), contracts
      );
    });
  }

  // --- forms -------------------------------------------------------------------------------------------

  function field(name, label, attrs) {
    var input = el(attrs && attrs.tag === "textarea" ? "textarea" : "input",
      Object.assign({ id: "f-" + name, name: name }, attrs || {}, { tag: null }));
    return el("p", { "class": "field" }, [el("label", { "for": "f-" + name, text: label }), input,
      el("span", { "class": "error", id: "e-" + name })]);
  }

  function check(name, label) {
    return el("p", { "class": "check" }, [el("input", { type: "checkbox", id: "f-" + name, name: name }),
      el("label", { "for": "f-" + name, text: label })]);
  }

  function value(form, name) {
    var input = form.querySelector("[name='" + name + "']");
    if (!input) return null;
    if (input.type === "checkbox") return input.checked;
    return input.value.trim() === "" ? null : input.value.trim();
  }

  function number(form, name) {
    var v = value(form, name);
    return v === null ? null : Number(v);
  }

  function fill(form, data) {
    Object.keys(data || {}).forEach(function (k) {
      var input = form.querySelector("[name='" + k + "']");
      if (!input) return;
      if (input.type === "checkbox") input.checked = !!data[k];
      else input.value = data[k] === null || data[k] === undefined ? "" : data[k];
    });
    (data && data.danger_signs || []).forEach(function (code) {
      var box = form.querySelector("[value='" + code + "']");
      if (box) box.checked = true;
    });
  }

  function showErrors(form, fields) {
    form.querySelectorAll(".error").forEach(function (n) { n.textContent = ""; });
    Object.keys(fields || {}).forEach(function (k) {
      var n = form.querySelector("#e-" + k.split(".").pop());
      if (n) n.textContent = [].concat(fields[k]).join(" ");
    });
  }

  function previousVisit(r, programme, items, key) {
    var prev = null;
    (r.followups || []).forEach(function (v) {
      if (v.programme === programme && v.mode !== "phone") prev = v;
    });
    local(items, key, ["followup"]).forEach(function (q) {
      if (q.payload.programme !== programme || q.payload.data.mode === "phone" || q.status === "failed") return;
      var d = q.result || q.provisional;
      if (!d) return;
      if (!prev || q.payload.data.visit_date >= prev.visit_date) {
        prev = Object.assign({}, q.payload.data, { next_action: d.next_action });
      }
    });
    return prev;
  }

  function renderFollowup(key, programme, editId) {
    Promise.all([findResident(key), queueItems()]).then(function (got) {
      var r = got[0], items = got[1];
      var editing = editId ? items.filter(function (q) { return q.id === editId; })[0] : null;
      var others = items.filter(function (q) { return q !== editing; });
      var rules = meta.rules;
      var signs = el("fieldset", {}, [el("legend", { text: T("danger_signs") })].concat(
        rules.danger_signs[programme].map(function (s) {
          return el("p", { "class": "check" }, [el("input", { type: "checkbox", name: "danger_signs", value: s.code,
            id: "s-" + s.code }), el("label", { "for": "s-" + s.code, text: s.label })]);
        })));
      var decision = el("div", { "class": "decision", id: "provisional" });
      var form = el("form", { id: "followup-form" }, [
        field("visit_date", T("visit_date"), { type: "date", value: today(), required: true }),
        el("p", { "class": "field" }, [el("label", { "for": "f-mode", text: T("mode") }),
          el("select", { id: "f-mode", name: "mode" }, ["home", "clinic", "phone"].map(function (m) {
            return el("option", { value: m, text: T("mode_" + m) });
          }))]),
        field("sbp", T("sbp"), { type: "number", inputmode: "numeric" }),
        field("dbp", T("dbp"), { type: "number", inputmode: "numeric" }),
        field("heart_rate", T("heart_rate"), { type: "number", inputmode: "numeric" }),
        field("temperature", T("temperature"), { inputmode: "decimal" }),
        field("weight_kg", T("weight"), { inputmode: "decimal" }),
        field("height_cm", T("height"), { inputmode: "decimal" }),
        field("fpg", T("fpg"), { inputmode: "decimal" }),
        field("random_glucose", T("random_glucose"), { inputmode: "decimal" }),
        signs,
        check("adr", T("adr")), check("adr_uncontrollable", T("adr_uncontrollable")),
        check("new_or_worse_complication", T("complication")), check("pregnant", T("pregnant")),
        check("lactating", T("lactating")), check("other_unmanageable", T("other_unmanageable")),
        field("notes", T("notes"), { tag: "textarea", rows: 2 }),
        decision,
        el("button", { type: "submit", "class": "primary", text: T("save") }),
      ]);
      var collect = function () {
        var data = { visit_date: value(form, "visit_date"), mode: value(form, "mode") };
        ["sbp", "dbp", "heart_rate"].forEach(function (n) { data[n] = number(form, n); });
        ["temperature", "weight_kg", "height_cm", "fpg", "random_glucose"].forEach(function (n) { data[n] = value(form, n); });
        ["adr", "adr_uncontrollable", "new_or_worse_complication", "pregnant", "lactating", "other_unmanageable"]
          .forEach(function (n) { data[n] = value(form, n); });
        data.danger_signs = Array.prototype.map.call(form.querySelectorAll("[name=danger_signs]:checked"),
          function (b) { return b.value; });
        data.notes = value(form, "notes") || "";
        return data;
      };
      var facts = function (data) {
        return Object.assign({}, data, { programme: programme, birth_date: r.birth_date,
          other_programmes: (r.enrolments || []).map(function (e) { return e.programme; }) });
      };
      var preview = function () {
        var data = collect();
        var errors = SyncRules.validate(facts(data), rules, today());
        showErrors(form, errors);
        decision.innerHTML = "";
        if (Object.keys(errors).length) return null;
        var d = SyncRules.classify(facts(data), previousVisit(r, programme, others, key), rules);
        decision.appendChild(el("h3", { text: T("provisional_classification") }));
        decision.appendChild(el("p", { "class": "class", text: rules.classes[d.follow_up_class] }));
        decision.appendChild(el("p", { "class": "action", text: rules.actions[d.next_action] }));
        decision.appendChild(el("p", { text: T("next_due") + " " + d.next_due }));
        d.reasons.concat(d.warnings, d.advisories).forEach(function (x) {
          decision.appendChild(el("p", { "class": "reason", text: x.code + " " + x.label }));
        });
        return d;
      };
      form.addEventListener("input", preview);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var data = collect();
        var d = preview();
        var payload = { programme: programme, client_id: editing ? editing.payload.client_id : uuid(), data: data };
        if (r.id) payload.resident = r.id; else payload.resident_client_id = r.client_id;
        var provisional = d ? { follow_up_class: d.follow_up_class, next_action: d.next_action, next_due: d.next_due } : null;
        var done = editing ? store.remove("queue", editing.id) : Promise.resolve();
        done.then(function () {
          return enqueue("followup", payload, { resident_key: key, provisional: provisional });
        }).then(function () { location.hash = "#resident/" + key; });
      });
      show(el("p", {}, [el("a", { href: "#resident/" + key, text: "← " + r.name })]),
        el("h1", { text: T("followup_" + programme) + " · " + r.name }), form);
      if (editing) { fill(form, editing.payload.data); showErrors(form, editing.fields); }
      preview();
    });
  }

  function choose(name, label, options) {
    return el("p", { "class": "field" }, [el("label", { "for": "f-" + name, text: label }),
      el("select", { id: "f-" + name, name: name }, [el("option", { value: "", text: "—" })].concat(
        options.map(function (o) { return el("option", { value: o[0], text: o[1] }); }))),
      el("span", { "class": "error", id: "e-" + name })]);
  }

  // The elderly programme's yearly check at home (PHS3 §5): assessment, blood pressure on both arms, body
  // measures and the §5.1 self-care score, evaluated on the phone over the served table.
  function renderElderly(key, editId) {
    Promise.all([findResident(key), queueItems()]).then(function (got) {
      var r = got[0];
      var editing = editId ? got[1].filter(function (q) { return q.id === editId; })[0] : null;
      var table = meta.rules.elderly;
      var levels = {};
      table.self_care_levels.forEach(function (l) { levels[l[0]] = l[1]; });
      var selfCare = table.self_care_items.map(function (item) {
        var offered = item.scores.map(function (score, i) { return score === null ? null : [String(i + 1), levels[String(i + 1)] + " (" + score + ")"]; })
          .filter(Boolean);
        return choose("self_care_" + item.item, item.label, offered);
      });
      var decision = el("div", { "class": "decision", id: "provisional" });
      var numbers = ["sbp_left", "dbp_left", "sbp_right", "dbp_right", "pulse_rate", "mmse_score", "depression_score"];
      var decimals = ["height_cm", "weight_kg", "waist_cm"];
      var codes = ["self_rated_health", "cognition_screen", "mood_screen"].concat(
        table.self_care_items.map(function (item) { return "self_care_" + item.item; }));
      var form = el("form", { id: "elderly-form" }, [
        field("check_date", T("visit_date"), { type: "date", value: today(), required: true }),
        field("sbp_left", T("sbp_left"), { type: "number", inputmode: "numeric" }),
        field("dbp_left", T("dbp_left"), { type: "number", inputmode: "numeric" }),
        field("sbp_right", T("sbp_right"), { type: "number", inputmode: "numeric" }),
        field("dbp_right", T("dbp_right"), { type: "number", inputmode: "numeric" }),
        field("pulse_rate", T("heart_rate"), { type: "number", inputmode: "numeric" }),
        field("height_cm", T("height"), { inputmode: "decimal" }),
        field("weight_kg", T("weight"), { inputmode: "decimal" }),
        field("waist_cm", T("waist"), { inputmode: "decimal" }),
        choose("self_rated_health", T("self_rated_health"), table.self_rated_health),
        el("fieldset", {}, [el("legend", { text: T("self_care") })].concat(selfCare)),
        choose("cognition_screen", T("cognition_screen"), table.screen),
        field("mmse_score", T("mmse_score"), { type: "number", inputmode: "numeric" }),
        choose("mood_screen", T("mood_screen"), table.screen),
        field("depression_score", T("depression_score"), { type: "number", inputmode: "numeric" }),
        decision,
        el("button", { type: "submit", "class": "primary", text: T("save") }),
      ]);
      var collect = function () {
        var data = { check_date: value(form, "check_date") };
        numbers.forEach(function (n) { data[n] = number(form, n); });
        decimals.forEach(function (n) { data[n] = value(form, n); });
        codes.forEach(function (n) { data[n] = value(form, n) || ""; });
        return data;
      };
      var preview = function () {
        var data = collect(), answers = {};
        table.self_care_items.forEach(function (item) { answers[item.item] = data["self_care_" + item.item]; });
        var d = SyncRules.selfCare(answers, meta.rules);
        decision.innerHTML = "";
        decision.appendChild(el("h3", { text: T("provisional_classification") }));
        decision.appendChild(el("p", { "class": "class", text: d ? T("self_care_score") + " " + d.score + " · " + levels[d.band] : T("self_care_unanswered") }));
        return d;
      };
      form.addEventListener("change", preview);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var d = preview();
        var payload = { client_id: editing ? editing.payload.client_id : uuid(), data: collect() };
        if (r.id) payload.resident = r.id; else payload.resident_client_id = r.client_id;
        var provisional = d ? { self_care_score: d.score, self_care_band: d.band, self_care_band_label: levels[d.band] } : null;
        (editing ? store.remove("queue", editing.id) : Promise.resolve()).then(function () {
          return enqueue("elderly_check", payload, { resident_key: key, provisional: provisional });
        }).then(function () { location.hash = "#resident/" + key; });
      });
      show(el("p", {}, [el("a", { href: "#resident/" + key, text: "← " + r.name })]),
        el("h1", { text: T("elderly_check") + " · " + r.name }), form);
      if (editing) { fill(form, editing.payload.data); showErrors(form, editing.fields); }
      preview();
    });
  }

  function renderChildVisit(key, editId) {
    Promise.all([findResident(key), queueItems()]).then(function (got) {
      var r = got[0];
      var editing = editId ? got[1].filter(function (q) { return q.id === editId; })[0] : null;
      var form = el("form", { id: "child-form" }, [
        field("visit_date", T("visit_date"), { type: "date", value: today(), required: true }),
        field("weight_kg", T("weight"), { inputmode: "decimal" }),
        field("length_cm", T("length"), { inputmode: "decimal" }),
        field("head_circumference_cm", T("head_circumference"), { inputmode: "decimal" }),
        field("haemoglobin", T("haemoglobin"), { type: "number" }),
        field("guidance", T("guidance"), { tag: "textarea", rows: 2 }),
        el("button", { type: "submit", "class": "primary", text: T("save") }),
      ]);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var data = { visit_date: value(form, "visit_date"), weight_kg: value(form, "weight_kg"),
          length_cm: value(form, "length_cm"), head_circumference_cm: value(form, "head_circumference_cm"),
          haemoglobin: number(form, "haemoglobin"), guidance: value(form, "guidance") || "" };
        var payload = { client_id: editing ? editing.payload.client_id : uuid(), data: data };
        if (r.id) payload.resident = r.id; else payload.resident_client_id = r.client_id;
        (editing ? store.remove("queue", editing.id) : Promise.resolve()).then(function () {
          return enqueue("child_visit", payload, { resident_key: key });
        }).then(function () { location.hash = "#resident/" + key; });
      });
      show(el("p", {}, [el("a", { href: "#resident/" + key, text: "← " + r.name })]),
        el("h1", { text: T("child_visit") + " · " + r.name }), form);
      if (editing) { fill(form, editing.payload.data); showErrors(form, editing.fields); }
    });
  }

  function signaturePad() {
    var canvas = el("canvas", { width: 320, height: 140, "class": "signature", id: "signature",
      "aria-label": T("signature") });
    var ctx = canvas.getContext("2d");
    var drawing = false, drawn = false;
    var clear = function () {
      ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.strokeStyle = "#000"; ctx.lineWidth = 2; ctx.lineCap = "round"; drawn = false;
    };
    var at = function (e) {
      var box = canvas.getBoundingClientRect();
      return [(e.clientX - box.left) * canvas.width / box.width, (e.clientY - box.top) * canvas.height / box.height];
    };
    canvas.addEventListener("pointerdown", function (e) {
      drawing = true; var p = at(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); canvas.setPointerCapture(e.pointerId);
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) return; var p = at(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); drawn = true;
    });
    canvas.addEventListener("pointerup", function () { drawing = false; });
    clear();
    return { canvas: canvas, clear: clear, drawn: function () { return drawn; },
      data: function () { return canvas.toDataURL("image/png"); } };
  }

  function renderContract(key, contractId) {
    Promise.all([findResident(key)]).then(function (got) {
      var r = got[0];
      var renewal = contractId ? Number(contractId) : null;
      var pad = signaturePad();
      var profile = meta.profile;
      var teams = profile.teams.filter(function (t) { return t.villages.indexOf(r.village_id) >= 0; });
      var children = [];
      if (!renewal) {
        children.push(el("p", { "class": "field" }, [el("label", { "for": "f-team", text: T("team") }),
          el("select", { id: "f-team", name: "team" }, teams.map(function (t) { return el("option", { value: t.id, text: t.name }); }))]));
        children.push(field("start_date", T("start_date"), { type: "date", value: today() }));
        children.push(el("fieldset", {}, [el("legend", { text: T("packages") })].concat(profile.packages.map(function (p) {
          return el("p", { "class": "check" }, [el("input", { type: "checkbox", name: "package", value: p.id, id: "p-" + p.id,
            checked: p.code === "JC" ? "checked" : null }), el("label", { "for": "p-" + p.id, text: p.name })]);
        }))));
      }
      children.push(field("signed_by_name", T("signer_name"), { value: r.name }));
      children.push(el("p", { "class": "field" }, [el("label", { "for": "f-signer", text: T("signer") }),
        el("select", { id: "f-signer", name: "signer" }, [el("option", { value: "resident", text: T("signer_resident") }),
          el("option", { value: "guardian", text: T("signer_guardian") })])]));
      children.push(el("p", { "class": "field" }, [el("label", { text: T("signature") }), pad.canvas,
        el("button", { type: "button", text: T("clear"), on: { click: pad.clear } }),
        el("span", { "class": "error", id: "e-signature" })]));
      children.push(el("button", { type: "submit", "class": "primary", text: T("save") }));
      var form = el("form", { id: "contract-form" }, children);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (!pad.drawn()) { showErrors(form, { signature: T("signature_missing") }); return; }
        var signed = { signed_by_name: value(form, "signed_by_name") || "", signer: value(form, "signer"),
          signature: pad.data() };
        var kind, payload;
        if (renewal) {
          kind = "renew_contract"; payload = { client_id: uuid(), contract_id: renewal, signed: signed };
        } else {
          kind = "sign_contract";
          payload = { client_id: uuid(), team_id: Number(value(form, "team")), start_date: value(form, "start_date"),
            package_ids: Array.prototype.map.call(form.querySelectorAll("[name=package]:checked"), function (b) { return Number(b.value); }),
            signed: signed };
          if (r.id) payload.resident = r.id; else payload.resident_client_id = r.client_id;
        }
        enqueue(kind, payload, { resident_key: key }).then(function () { location.hash = "#resident/" + key; });
      });
      show(el("p", {}, [el("a", { href: "#resident/" + key, text: "← " + r.name })]),
        el("h1", { text: (renewal ? T("renew") : T("sign_contract")) + " · " + r.name }), form);
    });
  }

  function renderRegister() {
    var villages = meta.profile.villages;
    var form = el("form", { id: "register-form" }, [
      field("name", T("name"), { required: true }),
      field("id_number", T("id_number")),
      el("p", { "class": "field" }, [el("label", { "for": "f-sex", text: T("sex") }),
        el("select", { id: "f-sex", name: "sex" }, [el("option", { value: "", text: T("from_id") }),
          el("option", { value: "1", text: T("male") }), el("option", { value: "2", text: T("female") })])]),
      field("birth_date", T("birth_date"), { type: "date" }),
      field("phone", T("phone"), { inputmode: "tel" }),
      el("p", { "class": "field" }, [el("label", { "for": "f-village", text: T("village") }),
        el("select", { id: "f-village", name: "village_id" }, villages.map(function (v) { return el("option", { value: v.id, text: v.name }); }))]),
      field("household_address", T("address")),
      el("button", { type: "submit", "class": "primary", text: T("save") }),
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var clientId = uuid();
      var payload = { client_id: clientId, name: value(form, "name") || "", id_number: value(form, "id_number") || "",
        sex: value(form, "sex") || "", birth_date: value(form, "birth_date"), phone: value(form, "phone") || "",
        village_id: Number(value(form, "village_id")), household_address: value(form, "household_address") || "" };
      var key = "c:" + clientId;
      var record = { key: key, id: null, client_id: clientId, name: payload.name, sex: payload.sex,
        birth_date: payload.birth_date || "", id_number: payload.id_number, phone: payload.phone,
        village_id: payload.village_id, enrolments: [], followups: [], contracts: [] };
      store.put("residents", record).then(function () {
        return enqueue("register_resident", payload, { resident_key: key });
      }).then(function () { location.hash = "#resident/" + key; });
    });
    show(el("p", {}, [el("a", { href: "#", text: "← " + T("home") })]), el("h1", { text: T("register") }), form);
  }

  var EDITABLE = ["name", "phone", "id_number"];

  function renderEdit(key) {
    findResident(key).then(function (r) {
      var form = el("form", { id: "edit-form" }, EDITABLE.map(function (n) { return field(n, T(n), { value: r[n] || "" }); })
        .concat([el("button", { type: "submit", "class": "primary", text: T("save") })]));
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var base = {}, changes = {};
        EDITABLE.forEach(function (n) {
          var v = value(form, n) || "";
          if (v !== (r[n] || "")) { changes[n] = v; base[n] = r[n] || ""; }
        });
        if (!Object.keys(changes).length) { location.hash = "#resident/" + key; return; }
        enqueue("update_resident", { resident: r.id, base: base, changes: changes }, { resident_key: key })
          .then(function () { location.hash = "#resident/" + key; });
      });
      show(el("p", {}, [el("a", { href: "#resident/" + key, text: "← " + r.name })]), el("h1", { text: T("edit") }), form);
    });
  }

  // --- queue ---------------------------------------------------------------------------------------------

  function describe(q) {
    var p = q.payload;
    var what = T("kind_" + q.kind);
    if (q.kind === "followup") what += " · " + T("programme_" + p.programme) + " " + p.data.visit_date;
    if (q.kind === "register_resident") what += " · " + p.name;
    if (q.kind === "elderly_check") what += " · " + p.data.check_date;
    if (q.result && q.result.self_care_band_label) {
      what += " → " + T("self_care_score") + " " + q.result.self_care_score + " " + q.result.self_care_band_label;
    }
    if (q.result && q.result.follow_up_class_label) {
      what += " → " + q.result.follow_up_class_label + " · " + q.result.next_action_label + " · " + T("next_due") + " " + q.result.next_due;
    }
    return what;
  }

  function conflictForm(q) {
    var form = el("form", { "class": "conflict" }, Object.keys(q.conflicts).map(function (name) {
      var c = q.conflicts[name];
      return el("fieldset", {}, [el("legend", { text: T(name) }),
        el("p", { "class": "check" }, [el("input", { type: "radio", name: name, value: "server", id: q.id + name + "s" }),
          el("label", { "for": q.id + name + "s", text: T("keep_server") + ": " + c.server })]),
        el("p", { "class": "check" }, [el("input", { type: "radio", name: name, value: "phone", id: q.id + name + "p", checked: "checked" }),
          el("label", { "for": q.id + name + "p", text: T("keep_phone") + ": " + c.phone })])]);
    }).concat([el("button", { type: "submit", text: T("resolve") })]));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var base = {}, changes = {};
      Object.keys(q.payload.changes).forEach(function (name) {
        var c = q.conflicts[name];
        if (!c) { changes[name] = q.payload.changes[name]; base[name] = q.payload.base[name]; return; }
        // The doctor has seen the server's value: it becomes the base, so the choice is not a conflict again.
        if (form.querySelector("[name='" + name + "']:checked").value === "phone") { changes[name] = c.phone; base[name] = c.server; }
      });
      var done = store.remove("queue", q.id);
      if (Object.keys(changes).length) {
        done = done.then(function () { return enqueue("update_resident", { resident: q.payload.resident, base: base, changes: changes },
          { resident_key: q.resident_key }); });
      }
      done.then(renderQueue);
    });
    return form;
  }

  function editLink(q) {
    if (q.kind === "followup") return "#followup/" + q.resident_key + "/" + q.payload.programme + "/" + q.id;
    if (q.kind === "child_visit") return "#child/" + q.resident_key + "/" + q.id;
    if (q.kind === "elderly_check") return "#elderly/" + q.resident_key + "/" + q.id;
    return null;
  }

  function renderQueue() {
    queueItems().then(function (items) {
      var open = el("ul", { "class": "list", id: "queue-open" });
      var sent = el("ul", { "class": "list", id: "queue-sent" });
      items.forEach(function (q) {
        if (q.status === "synced") { sent.appendChild(el("li", {}, [describe(q) + " ", statusBadge(q)])); return; }
        var row = el("li", { "class": "queue-item " + q.status }, [describe(q) + " ", statusBadge(q)]);
        if (q.reason) {
          row.appendChild(el("p", { "class": "reason", text: q.reason }));
          Object.keys(q.fields || {}).forEach(function (f) {
            row.appendChild(el("p", { "class": "reason", text: [].concat(q.fields[f]).join(" ") }));
          });
        }
        if (q.status === "conflict" && q.conflicts) row.appendChild(conflictForm(q));
        if (q.status === "failed") {
          row.appendChild(el("button", { type: "button", text: T("retry"), on: { click: function () {
            q.status = "waiting"; store.put("queue", q).then(sync).then(renderQueue);
          } } }));
          var link = editLink(q);
          if (link) row.appendChild(el("a", { href: link, "class": "button", text: T("fix") }));
        }
        if (q.status !== "waiting" || !navigator.onLine) {
          row.appendChild(el("button", { type: "button", text: T("discard"), on: { click: function () {
            if (confirm(T("discard_confirm"))) store.remove("queue", q.id).then(renderQueue).then(updateStatus);
          } } }));
        }
        open.appendChild(row);
      });
      show(el("p", {}, [el("a", { href: "#", text: "← " + T("home") })]),
        el("h1", { text: T("queue") }), open, el("h2", { text: T("sent") }), sent,
        el("p", { "class": "muted", text: T("last_sync") + " " + (meta.last_sync || "—") }));
    });
  }

  // --- login / logout ------------------------------------------------------------------------------------

  function renderLogin(message) {
    syncButton.hidden = true;
    var form = el("form", { id: "login-form" }, [
      message ? el("p", { "class": "error", text: message }) : null,
      field("username", T("username"), { autocomplete: "username", required: true }),
      field("password", T("password"), { type: "password", autocomplete: "current-password", required: true }),
      field("device_name", T("device_name"), { value: navigator.platform || "" }),
      el("button", { type: "submit", "class": "primary", text: T("login") }),
      el("p", { "class": "error", id: "e-__all__" }),
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      call("POST", "/login", { username: value(form, "username") || "", password: form.querySelector("[name=password]").value,
        device_name: value(form, "device_name") || "" }).then(function (data) {
        return Promise.all([setMeta("token", data.token), setMeta("device_id", data.device_id),
          setMeta("display_name", data.display_name)]);
      }).then(loadProfile).then(function () {
        location.hash = "";
        return sync();
      }).catch(function (error) {
        form.querySelector("#e-__all__").textContent = error.message || T("offline");
      });
    });
    show(el("h1", { text: T("login_title") }), form);
  }

  function loadProfile() {
    return Promise.all([call("GET", "/profile"), call("GET", "/rules")]).then(function (got) {
      return Promise.all([setMeta("profile", got[0]), setMeta("rules", got[1])]);
    });
  }

  function logout() {
    queueItems().then(function (items) {
      var unsent = items.filter(function (q) { return q.status !== "synced"; }).length;
      if (unsent && !confirm(T("logout_unsent"))) return;
      call("POST", "/logout").catch(function () { return null; }).then(function () { return forget(); });
    });
  }

  // --- routing -------------------------------------------------------------------------------------------

  function route() {
    if (!meta.token) { renderLogin(); return; }
    var parts = location.hash.replace(/^#/, "").split("/");
    var handlers = {
      resident: function () { renderResident(parts[1]); },
      followup: function () { renderFollowup(parts[1], parts[2], parts[3]); },
      child: function () { renderChildVisit(parts[1], parts[2]); },
      elderly: function () { renderElderly(parts[1], parts[2]); },
      contract: function () { renderContract(parts[1], parts[2]); },
      register: renderRegister,
      edit: function () { renderEdit(parts[1]); },
      queue: renderQueue,
    };
    (handlers[parts[0]] || renderHome)();
  }

  function start() {
    SyncStore.open().then(function (s) {
      store = s;
      return Promise.all(["token", "device_id", "display_name", "cursor", "profile", "rules", "last_sync"].map(function (k) {
        return store.get("meta", k).then(function (v) { if (v !== undefined) meta[k] = v; });
      }));
    }).then(function () {
      window.addEventListener("hashchange", route);
      window.addEventListener("online", function () { updateStatus(); sync(); });
      window.addEventListener("offline", function () { updateStatus(); });
      syncButton.addEventListener("click", function () { sync(); });
      updateStatus();
      route();
      if (meta.token && navigator.onLine) sync();
      document.body.dataset.ready = "1";
    });
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(CONFIG.sw, { scope: CONFIG.scope }).catch(function () { return null; });
    }
  }

  start();
})();
