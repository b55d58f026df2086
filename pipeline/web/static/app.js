// The year's form. Plain JavaScript, no library: the data is the input file as JSON; every change is sent
// to the program, which writes it into the YAML and runs the same checks as `dvht validate`; the answer
// (problems with their field paths, the verdict table) is shown beside the fields.
"use strict";

const META = JSON.parse(document.getElementById("meta").textContent);
const UNIT = window.DVHT.unit, YEAR = window.DVHT.year;
const API = (what) => `/api/${what}/${UNIT}/${YEAR}`;
const FACTS = [
  ["discipline", "Kỷ luật, đoàn kết (2.1)"], ["training_completed", "Hoàn thành học tập, bồi dưỡng (2.2)"],
  ["digital_training", "Chuyển đổi số (2.3)"], ["language_certificate", "Chứng chỉ ngoại ngữ (2.4)"],
  ["language_meets_job", "Ngoại ngữ đáp ứng vị trí (2.4)"],
];
const PASTE_COLUMNS = ["name", "position", "discipline", "training_completed", "digital_training", "language_certificate",
                       "language_meets_job", "emulation_title", "learning_citizen"];  // the Excel sheet's order (after STT)

let data = null, base = null, dirty = false, seq = 0, shown = 0, timer = null, lastCheck = null, pending = true;
let edits = 0, saving = null;  // changes typed so far; the save under way (one at a time: the second waits)

// ---------- paths: the same text as pipeline.core.problems.field_path
function fp(path) {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part + 1}]`;
    else {
      const key = (part.includes(".") || part.includes(" ") || part === "") ? `"${part}"` : part;
      out += out ? `.${key}` : key;
    }
  }
  return out;
}
function parentPath(text) {
  const m = text.match(/(\[\d+\]|\."[^"]*"|\.[^."[]+)$/);
  return m ? text.slice(0, -m[0].length) : "";
}
function get(path) {
  let node = data;
  for (const p of path) { if (node == null) return undefined; node = node[p]; }
  return node;
}
function set(path, value) {
  let node = data;
  for (let i = 0; i < path.length - 1; i++) {
    if (node[path[i]] == null) node[path[i]] = typeof path[i + 1] === "number" ? [] : {};
    node = node[path[i]];
  }
  node[path[path.length - 1]] = value;
  changed();
}
function meaning(path) {
  const key = path.filter((p) => typeof p !== "number").filter((p, i, all) => !(all[i - 1] === "indicators" || all[i - 1] === "criteria")).join(".");
  return META.fields[key] || "";
}

// ---------- elements
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c != null) e.append(c instanceof Node ? c : document.createTextNode(c));
  return e;
}
let uid = 0;
const nextId = () => `f${++uid}`;

function wrap(path, label, control, hint) {
  const id = control.id || (control.id = nextId());
  const box = el("div", {class: "field", "data-path": fp(path)},
    el("label", {for: id}, label), control, hint ? el("div", {class: "hint"}, hint) : null, el("div", {class: "msg", id: id + "-msg"}));
  control.setAttribute("aria-describedby", id + "-msg");
  return box;
}
function text(path, label, opts = {}) {
  const v = get(path);
  const input = el("input", {type: "text", value: v == null ? "" : String(v), placeholder: opts.placeholder || "", size: opts.size || null,
    "data-bind": fp(path), oninput: (e) => set(path, e.target.value)});
  return wrap(path, label, input, opts.hint || meaning(path));
}
function number(path, label) {
  const v = get(path);
  const input = el("input", {type: "text", inputmode: "numeric", size: 6, value: v == null ? "" : String(v), "data-bind": fp(path),
    oninput: (e) => set(path, e.target.value)});
  return wrap(path, label, input, meaning(path));
}
function dmyToIso(s) {
  const m = String(s || "").trim().match(/^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$/);
  if (!m) return "";
  const d = new Date(Date.UTC(+m[3], +m[2] - 1, +m[1]));
  if (d.getUTCDate() !== +m[1] || d.getUTCMonth() !== +m[2] - 1) return "";  // 31/02: no such day (the check says so)
  return `${m[3]}-${m[2].padStart(2, "0")}-${m[1].padStart(2, "0")}`;
}
function isoToDmy(s) {
  const m = String(s || "").match(/^(\d{4})-(\d{2})-(\d{2})$/);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : "";
}
function dateInput(path, labelText) {
  const v = get(path);
  const typed = el("input", {type: "text", size: 11, placeholder: "dd/mm/yyyy", value: v == null ? "" : String(v), "data-bind": fp(path),
    "aria-label": labelText});
  const picker = el("input", {type: "date", value: dmyToIso(v), "aria-label": `${labelText}: chọn trên lịch`, tabindex: "0"});
  typed.addEventListener("input", () => { picker.value = dmyToIso(typed.value); set(path, typed.value); });
  picker.addEventListener("change", () => { if (picker.value) { typed.value = isoToDmy(picker.value); set(path, typed.value); } });
  return [typed, picker];
}
function date(path, label) {
  const [typed, picker] = dateInput(path, label);
  typed.id = nextId();
  const box = wrap(path, label, typed, meaning(path));
  typed.after(picker);
  return box;
}
function lookup(options, value) {
  if (value == null || value === "") return "";
  if (Object.prototype.hasOwnProperty.call(options, value)) return value;
  const folded = String(value).trim().toLocaleLowerCase("vi");
  for (const [code, label] of Object.entries(options)) if (label.toLocaleLowerCase("vi") === folded) return code;
  return null;  // typed, not in the list
}
function selectInput(path, options, opts = {}) {
  const v = get(path);
  const known = lookup(options, v);
  const s = el("select", {"data-bind": fp(path), "aria-label": opts.label || null});
  s.append(el("option", {value: ""}, opts.empty || "— chọn —"));
  if (known === null) s.append(el("option", {value: "__typed", selected: true}, `${v} (như đã ghi)`));
  for (const [code, label] of Object.entries(options)) s.append(el("option", {value: code, selected: known === code}, label));
  s.addEventListener("change", () => set(path, s.value === "" ? null : s.value === "__typed" ? v : s.value));
  return s;
}
function select(path, label, options, opts = {}) {
  return wrap(path, label, selectInput(path, options, opts), opts.hint || meaning(path));
}
function truth(v) {
  if (v === true || v === false) return v;
  if (typeof v === "string") {
    const w = v.trim().split(/\s+/).join(" ").toLocaleLowerCase("vi");
    if (META.yes.includes(w)) return true;
    if (META.no.includes(w)) return false;
  }
  return null;
}
function check(path, label) {
  const v = truth(get(path));
  const box = el("input", {type: "checkbox", "data-bind": fp(path), "aria-label": label, title: label});
  box.checked = v === true;
  box.indeterminate = v === null;
  if (v === null) box.classList.add("unset");
  box.addEventListener("change", () => { box.classList.remove("unset"); set(path, box.checked); });
  return box;
}
function lines(path, label) {
  const v = get(path) || [];
  const area = el("textarea", {rows: Math.max(2, v.length + 1), "data-bind": fp(path)});
  area.value = v.map((x) => x == null ? "" : x).join("\n");
  area.addEventListener("input", () => set(path, area.value.split("\n").map((s) => s.trim()).filter((s) => s !== "")));
  return wrap(path, label, area, (meaning(path) ? meaning(path) + " — " : "") + "mỗi dòng một mục");
}
function insertAt(area, token, path) {
  const start = area.selectionStart ?? area.value.length, end = area.selectionEnd ?? start;
  area.value = area.value.slice(0, start) + token + area.value.slice(end);
  area.focus();
  area.selectionStart = area.selectionEnd = start + token.length;
  set(path, area.value);
}
function prose(path, label, own) {
  const v = get(path);
  const area = el("textarea", {rows: Math.min(12, Math.max(3, String(v || "").split("\n").length + 1)), "data-bind": fp(path)});
  area.value = v == null ? "" : String(v);
  area.addEventListener("input", () => set(path, area.value));
  const names = Object.keys(META.placeholders);
  const quick = names.filter((n) => !n.includes(".") || (own && n.startsWith(own + ".")));
  const bar = el("div", {class: "inserts", role: "group", "aria-label": "Chèn số liệu tính từ dữ liệu"}, el("span", {class: "muted"}, "Chèn số liệu: "),
    quick.map((n) => el("button", {type: "button", class: "chip", title: META.placeholders[n], onclick: () => insertAt(area, `{${n}}`, path)}, `{${n}}`)));
  const more = el("select", {"aria-label": "Chèn số liệu khác"}, el("option", {value: ""}, "khác…"),
    names.filter((n) => !quick.includes(n)).map((n) => el("option", {value: n}, `{${n}} — ${META.placeholders[n]}`)));
  more.addEventListener("change", () => { if (more.value) { insertAt(area, `{${more.value}}`, path); more.value = ""; } });
  bar.append(more);
  const box = wrap(path, label, area, meaning(path) ? meaning(path) + " — mỗi dòng một đoạn" : "Mỗi dòng một đoạn");
  box.append(bar);
  return box;
}
function section(id, title, ...children) {
  return el("section", {class: "part", id, "aria-labelledby": id + "-h"}, el("h2", {id: id + "-h"}, title), ...children);
}
function rowButtons(listPath, i, onRemove) {
  return el("button", {type: "button", class: "small", title: "Xóa dòng này", "aria-label": `Xóa dòng ${i + 1}`,
    onclick: () => { const list = get(listPath); list.splice(i, 1); onRemove && onRemove(); changed(); render(); }}, "✕");
}
function focusAfterRender(bind) {
  const e = document.querySelector(`[data-bind='${CSS.escape(bind)}']`);
  if (e) e.focus();
}

// ---------- the form's parts
function signerOverride(path, title) {
  // a signer other than the common one, for one document: shown when the file has it, or when asked for
  if (get(path) == null) {
    return el("div", {class: "field", "data-path": fp(path)}, el("button", {type: "button", class: "small", onclick: () => {
      set(path, {name: null, title: null, on_behalf_of: ""}); render(); focusAfterRender(fp([...path, "name"]));
    }}, `+ ${title} khác người ký chung`), el("div", {class: "msg"}));
  }
  return el("fieldset", {"data-path": fp(path)}, el("legend", {}, title), el("div", {class: "msg"}),
    el("div", {class: "grid"}, text([...path, "name"], "Họ và tên"), text([...path, "title"], "Chức vụ"),
      text([...path, "on_behalf_of"], "Ký thay (KT.) — để trống nếu tự ký")),
    el("button", {type: "button", class: "small", onclick: () => {
      const parent = get(path.slice(0, -1)); delete parent[path[path.length - 1]]; changed(); render();
    }}, "Bỏ, dùng người ký chung"));
}
function partUnit() {
  return section("p-don-vi", "1. Đơn vị và người ký",
    el("div", {class: "grid"},
      text(["unit", "name"], "Tên đầy đủ"), text(["unit", "short_name"], "Tên viết gọn"),
      text(["unit", "parent_agency"], "Cơ quan chủ quản"), text(["unit", "place"], "Địa danh"),
      text(["unit", "collective_name"], "Tập thể lãnh đạo (dòng TM.)")),
    el("h3", {}, "Người ký Tờ trình, Báo cáo"),
    el("div", {class: "grid"},
      text(["signer", "name"], "Họ và tên"), text(["signer", "title"], "Chức vụ"),
      text(["signer", "on_behalf_of"], "Ký thay (KT.) — để trống nếu tự ký")),
    el("h3", {}, "Nơi nhận hồ sơ, người công nhận"),
    el("div", {class: "grid"},
      text(["recognition", "scope"], "Cấp công nhận"), text(["recognition", "receiver"], "Kính gửi"),
      text(["recognition", "authority"], "Người công nhận"), text(["archive"], "Dòng “Lưu:”")),
    select(["collective_title"], "Danh hiệu thi đua tập thể của đơn vị trong năm (chỉ tiêu 3.3)", META.collective_titles));
}
function newMemberId() {
  const ids = new Set((get(["team", "members"]) || []).map((m) => m && m.id));
  let n = ids.size + 1;
  while (ids.has(`tv${n}`)) n++;
  return `tv${n}`;
}
function partTeam() {
  const members = get(["team", "members"]) || [];
  const rows = members.map((m, i) => {
    const p = ["team", "members", i];
    return el("tr", {"data-path": fp(p)},
      el("td", {}, String(i + 1)),
      el("td", {"data-path": fp([...p, "name"])}, el("input", {type: "text", value: m.name ?? "", "aria-label": `Họ tên thành viên ${i + 1}`, "data-bind": fp([...p, "name"]),
        oninput: (e) => { set([...p, "name"], e.target.value); refreshAssessorNames(); }}), el("div", {class: "msg"})),
      el("td", {"data-path": fp([...p, "position"])}, el("input", {type: "text", value: m.position ?? "", "aria-label": `Chức danh thành viên ${i + 1}`, "data-bind": fp([...p, "position"]),
        oninput: (e) => set([...p, "position"], e.target.value)}), el("div", {class: "msg"})),
      el("td", {"data-path": fp([...p, "role"])}, selectInput([...p, "role"], META.roles, {label: `Nhiệm vụ thành viên ${i + 1}`}), el("div", {class: "msg"})),
      el("td", {}, rowButtons(["team", "members"], i)));
  });
  return section("p-to", "2. Tổ tự đánh giá",
    el("div", {class: "grid"},
      text(["team", "decision", "number"], "Số quyết định thành lập Tổ"), date(["team", "decision", "date"], "Ngày quyết định"),
      text(["team", "decision", "proposer"], "Theo đề nghị của")),
    el("div", {class: "grid"}, lines(["team", "decision", "grounds"], "Căn cứ thêm"), lines(["team", "decision", "recipients"], "Nơi nhận quyết định")),
    signerOverride(["team", "decision", "signer"], "Người ký quyết định"),
    el("div", {class: "field", "data-path": fp(["team", "members"])},
      el("table", {class: "rows"}, el("caption", {}, "Thành viên Tổ (số lẻ; một Tổ trưởng, một Thư ký)"),
        el("thead", {}, el("tr", {}, el("th", {}, "STT"), el("th", {}, "Họ và tên"), el("th", {}, "Chức danh, chức vụ"), el("th", {}, "Nhiệm vụ"), el("th", {}, ""))),
        el("tbody", {}, rows)),
      el("div", {class: "msg"}),
      el("button", {type: "button", onclick: () => {
        members.push({id: newMemberId(), name: null, position: null, role: "member"});
        set(["team", "members"], members); render(); focusAfterRender(fp(["team", "members", members.length - 1, "name"]));
      }}, "+ Thêm thành viên Tổ")));
}
function setColumn(fact, value) {
  (get(["staff"]) || []).forEach((p) => { if (p) p[fact] = value; });
  changed(); render();
}
function pasteRows(startRow, startCol, textValue) {
  const rows = textValue.replace(/\r/g, "").split("\n");
  while (rows.length && rows[rows.length - 1].trim() === "") rows.pop();
  const staff = get(["staff"]);
  rows.forEach((line, r) => {
    let cells = line.split("\t");
    if (startCol === 0 && cells.length >= PASTE_COLUMNS.length + 1 && /^\s*\d+\s*$/.test(cells[0])) cells = cells.slice(1);  // the STT column
    const i = startRow + r;
    if (!staff[i]) staff[i] = {name: null, position: null, ...Object.fromEntries(PASTE_COLUMNS.slice(2).map((f) => [f, null]))};
    cells.forEach((cell, c) => {
      const key = PASTE_COLUMNS[startCol + c];
      if (key) staff[i][key] = cell.trim() === "" ? null : cell.trim();
    });
  });
  changed(); render();
}
function partStaff() {
  if (get(["staff_counts"]) && !get(["staff"])) {
    const keys = ["total", "discipline", "training_completed", "digital_training", "language_certificate", "language_meets_job", "advanced_worker", "learning_citizen"];
    return section("p-danh-sach", "3. Số liệu thành viên (tổng hợp)",
      el("p", {class: "muted"}, "Tệp này ghi số liệu tổng hợp thay cho danh sách từng người."),
      el("div", {class: "grid"}, keys.map((k) => number(["staff_counts", k], meaning(["staff_counts", k]) || k))));
  }
  const staff = get(["staff"]) || [];
  const head = el("tr", {}, el("th", {}, "STT"), el("th", {}, "Họ và tên"), el("th", {}, "Chức danh, chức vụ"),
    FACTS.map(([f, label]) => el("th", {}, label, el("br"),
      el("button", {type: "button", class: "tiny", "aria-label": `${label}: cả cột có`, onclick: () => setColumn(f, true)}, "cả cột ✓"),
      el("button", {type: "button", class: "tiny", "aria-label": `${label}: cả cột không`, onclick: () => setColumn(f, false)}, "✗"))),
    el("th", {}, "Danh hiệu thi đua (2.5)"),
    el("th", {}, "Công dân học tập (3.1)", el("br"),
      el("button", {type: "button", class: "tiny", "aria-label": "Công dân học tập: cả cột có", onclick: () => setColumn("learning_citizen", true)}, "cả cột ✓"),
      el("button", {type: "button", class: "tiny", "aria-label": "Công dân học tập: cả cột không", onclick: () => setColumn("learning_citizen", false)}, "✗")),
    el("th", {}, ""));
  const rows = staff.map((person, i) => {
    const p = ["staff", i];
    const cell = (key, control) => el("td", {"data-path": fp([...p, key])}, control, el("div", {class: "msg"}));
    const textCell = (key, label) => {
      const input = el("input", {type: "text", value: person[key] ?? "", "aria-label": `${label} người thứ ${i + 1}`, "data-bind": fp([...p, key]),
        oninput: (e) => set([...p, key], e.target.value)});
      input.addEventListener("paste", (ev) => {
        const t = (ev.clipboardData || window.clipboardData).getData("text");
        if (t.includes("\t") || t.trim().includes("\n")) { ev.preventDefault(); pasteRows(i, PASTE_COLUMNS.indexOf(key), t); }
      });
      return cell(key, input);
    };
    return el("tr", {"data-path": fp(p)}, el("td", {}, String(i + 1)),
      textCell("name", "Họ tên"), textCell("position", "Chức danh"),
      FACTS.map(([f, label]) => cell(f, check([...p, f], `${label}, người thứ ${i + 1}`))),
      cell("emulation_title", selectInput([...p, "emulation_title"], META.individual_titles, {label: `Danh hiệu người thứ ${i + 1}`})),
      cell("learning_citizen", check([...p, "learning_citizen"], `Công dân học tập, người thứ ${i + 1}`)),
      el("td", {}, rowButtons(["staff"], i)));
  });
  return section("p-danh-sach", `3. Danh sách thành viên của đơn vị (${staff.length} người)`,
    el("p", {class: "muted"}, "Ô vuông: có (✓) hoặc không; ô mờ là chưa điền. Dán nhiều dòng từ Excel vào ô “Họ và tên” (cùng thứ tự cột như tệp Excel của “dvht staff export”)."),
    el("div", {class: "field", "data-path": "staff"},
      el("div", {class: "scroll"}, el("table", {class: "rows staff"}, el("thead", {}, head), el("tbody", {}, rows))),
      el("div", {class: "msg"}),
      el("button", {type: "button", onclick: () => {
        const list = get(["staff"]) || [];
        list.push({name: null, position: null, ...Object.fromEntries(PASTE_COLUMNS.slice(2).map((f) => [f, null]))});
        set(["staff"], list); render(); focusAfterRender(fp(["staff", list.length - 1, "name"]));
      }}, "+ Thêm người")));
}
function memberOptions() {
  const out = {};
  (get(["team", "members"]) || []).forEach((m, i) => { if (m && m.id) out[m.id] = m.name || `(thành viên ${i + 1}, chưa có tên)`; });
  return out;
}
function refreshAssessorNames() {
  const opts = memberOptions();
  document.querySelectorAll("select.assessor").forEach((s) => {
    for (const o of s.options) if (opts[o.value]) o.textContent = opts[o.value];
  });
}
function evidenceTable(code) {
  const path = ["indicators", code, "evidence"];
  const list = get(path) || [];
  const rows = list.map((ev, j) => {
    const p = [...path, j];
    const cell = (key, control) => el("td", {"data-path": fp([...p, key])}, control, el("div", {class: "msg"}));
    const textCell = (key, label) => cell(key, el("input", {type: "text", value: (ev && ev[key]) ?? "", "aria-label": `${label} minh chứng ${j + 1} của chỉ tiêu ${code}`,
      "data-bind": fp([...p, key]), oninput: (e) => set([...p, key], e.target.value)}));
    const [typed, picker] = dateInput([...p, "date"], `Ngày minh chứng ${j + 1} của chỉ tiêu ${code}`);
    return el("tr", {"data-path": fp(p)}, el("td", {}, String(j + 1)), textCell("title", "Tên"), textCell("number", "Số"),
      el("td", {"data-path": fp([...p, "date"]), class: "nowrap"}, typed, picker, el("div", {class: "msg"})), textCell("issuer", "Cơ quan ban hành"),
      el("td", {}, rowButtons(path, j)));
  });
  return el("div", {class: "field", "data-path": fp(path)},
    el("table", {class: "rows"}, el("caption", {}, "Minh chứng"),
      el("thead", {}, el("tr", {}, el("th", {}, "STT"), el("th", {}, "Tên văn bản"), el("th", {}, "Số"), el("th", {}, "Ngày"), el("th", {}, "Cơ quan ban hành"), el("th", {}, ""))),
      el("tbody", {}, rows)),
    el("div", {class: "msg"}),
    el("button", {type: "button", onclick: () => {
      const l = get(path) || []; l.push({title: null, number: null, date: null, issuer: null});
      set(path, l); render(); focusAfterRender(fp([...path, l.length - 1, "title"]));
    }}, "+ Thêm minh chứng"));
}
function partIndicators() {
  const parts = [];
  for (const crit of META.criteria) {
    const inds = crit.indicators.filter((i) => i.applies && get(["indicators", i.code]) != null);
    parts.push(el("h3", {}, `Tiêu chí ${crit.number}. ${crit.title}`));
    for (const ind of inds) {
      const p = ["indicators", ind.code];
      const opts = memberOptions();
      const assessors = [0, 1].map((k) => {
        const s = selectInput([...p, "assessors", k], opts, {label: `Người đánh giá ${k + 1} của chỉ tiêu ${ind.code}`});
        s.classList.add("assessor");
        return el("div", {class: "field inline", "data-path": fp([...p, "assessors", k])}, el("span", {}, `Người đánh giá ${k + 1}: `), s, el("div", {class: "msg"}));
      });
      const body = [
        el("p", {class: "criterion-text"}, ind.text, ind.text2 ? el("span", {class: "muted"}, ` — Mức độ 2: ${ind.text2}`) : null),
        el("div", {class: "field", "data-path": fp([...p, "assessors"])}, assessors, el("div", {class: "msg"})),
      ];
      if (ind.qualitative) {
        const v = truth(get([...p, "met"]));
        const s = el("select", {"data-bind": fp([...p, "met"])},
          el("option", {value: "", selected: v === null}, "— chọn —"), el("option", {value: "true", selected: v === true}, "Đạt"),
          el("option", {value: "false", selected: v === false}, "Không đạt"));
        s.addEventListener("change", () => set([...p, "met"], s.value === "" ? null : s.value === "true"));
        body.push(wrap([...p, "met"], "Tổ đánh giá chỉ tiêu định tính này", s, "Đạt: đơn vị đáp ứng đầy đủ nội dung chỉ tiêu"));
      }
      body.push(select([...p, "declared_level"], "Mức Tổ khai (không bắt buộc; máy đối chiếu với số liệu)", META.levels,
        {empty: "— không khai —", hint: "Để trống: mức lấy theo số liệu"}));
      body.push(prose([...p, "description"], "1. Mô tả hiện trạng", ind.code), prose([...p, "strengths"], "2. Điểm mạnh", ind.code),
        prose([...p, "weaknesses"], "3. Tồn tại", ind.code), evidenceTable(ind.code));
      parts.push(el("fieldset", {class: "indicator", id: `ct-${ind.code}`, "data-path": fp(p)},
        el("legend", {}, `Chỉ tiêu ${ind.code}`), el("div", {class: "msg"}), body));
    }
  }
  return section("p-chi-tieu", "4. Các chỉ tiêu (Mẫu 1)", el("div", {class: "field", "data-path": "indicators"}, el("div", {class: "msg"})), parts);
}
function partCriteria() {
  return section("p-tieu-chi", "5. Kết luận từng tiêu chí",
    META.criteria.map((c) => el("fieldset", {"data-path": fp(["criteria", String(c.number)])}, el("legend", {}, `Tiêu chí ${c.number}`), el("div", {class: "msg"}),
      prose(["criteria", String(c.number), "strengths"], "Điểm mạnh nổi bật"), prose(["criteria", String(c.number), "weaknesses"], "Những điểm yếu cơ bản"))),
    el("div", {class: "field", "data-path": "criteria"}, el("div", {class: "msg"})));
}
function partReport() {
  const abbr = get(["report", "abbreviations"]) || [];
  const rows = abbr.map((a, i) => {
    const p = ["report", "abbreviations", i];
    const cell = (key, label) => el("td", {"data-path": fp([...p, key])}, el("input", {type: "text", value: (a && a[key]) ?? "", "aria-label": `${label} ${i + 1}`,
      "data-bind": fp([...p, key]), oninput: (e) => set([...p, key], e.target.value)}), el("div", {class: "msg"}));
    return el("tr", {}, cell("short", "Chữ viết tắt"), cell("full", "Nội dung"), el("td", {}, rowButtons(["report", "abbreviations"], i)));
  });
  return section("p-bao-cao", "6. Báo cáo tự đánh giá (Mẫu 3)",
    el("div", {class: "grid"}, text(["report", "number"], "Số báo cáo"), date(["report", "date"], "Ngày ký báo cáo"),
      date(["report", "sheets_date"], "Ngày ký các phiếu Mẫu 1"), date(["report", "summary_date"], "Ngày ký Mẫu 2")),
    prose(["report", "general_situation"], "A.1. Tình hình chung"), prose(["report", "purpose"], "A.2. Mục đích tự đánh giá"),
    prose(["report", "process_summary"], "A.3. Tóm tắt quá trình"), prose(["report", "other_conclusions"], "C. Các kết luận khác (nếu có)"),
    el("div", {class: "field", "data-path": "report.abbreviations"},
      el("table", {class: "rows"}, el("caption", {}, "Chữ viết tắt riêng (ngoài danh mục có sẵn)"),
        el("thead", {}, el("tr", {}, el("th", {}, "Viết tắt"), el("th", {}, "Nội dung"), el("th", {}, ""))), el("tbody", {}, rows)),
      el("button", {type: "button", onclick: () => { abbr.push({short: null, full: null}); set(["report", "abbreviations"], abbr); render(); }}, "+ Thêm chữ viết tắt")),
    lines(["report", "recipients"], "Nơi nhận báo cáo"), signerOverride(["report", "signer"], "Người ký báo cáo"));
}
function partRequest() {
  return section("p-to-trinh", "7. Tờ trình đề nghị công nhận",
    el("div", {class: "grid"}, text(["request", "number"], "Số Tờ trình"), date(["request", "date"], "Ngày ký Tờ trình")),
    el("div", {class: "grid"}, lines(["request", "grounds"], "Căn cứ thêm"), lines(["request", "recipients"], "Nơi nhận Tờ trình")),
    signerOverride(["request", "signer"], "Người ký Tờ trình"));
}

const PARTS = [["p-don-vi", "Đơn vị, người ký"], ["p-to", "Tổ tự đánh giá"], ["p-danh-sach", "Danh sách thành viên"], ["p-chi-tieu", "Các chỉ tiêu"],
               ["p-tieu-chi", "Kết luận tiêu chí"], ["p-bao-cao", "Báo cáo (Mẫu 3)"], ["p-to-trinh", "Tờ trình"], ["verdicts", "Kết quả"], ["dossier", "Lập hồ sơ"]];

function render() {
  const form = document.getElementById("form");
  const active = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.bind : null;
  const y = window.scrollY;
  form.replaceChildren(partUnit(), partTeam(), partStaff(), partIndicators(), partCriteria(), partReport(), partRequest());
  if (lastCheck) showProblems(lastCheck.problems || []);
  window.scrollTo(0, y);
  if (active) focusAfterRender(active);
}

// ---------- checks
function changed() {
  dirty = true;
  edits += 1;
  pending = true;
  document.getElementById("save-state").textContent = "Có thay đổi chưa lưu.";
  clearTimeout(timer);
  timerAt = Date.now();
  timer = setTimeout(runCheck, 300);
}
async function call(url, body) {
  const r = await fetch(url, {method: body === undefined ? "GET" : "POST", headers: {"Content-Type": "application/json"},
    body: body === undefined ? undefined : JSON.stringify(body)});
  let out;
  try { out = await r.json(); } catch (e) { out = {error: `Máy không trả lời đúng (mã ${r.status}).`}; }
  out._status = r.status;
  return out;
}
let timerAt = 0;
const timerPending = () => timerAt > 0;
async function runCheck() {
  timerAt = 0;
  const mine = ++seq;
  document.getElementById("status").textContent = "Đang kiểm tra…";
  const res = await call(API("check"), {data, base});
  if (mine < shown) return;  // an older answer arriving late
  shown = mine;
  if (mine === seq && !timerPending()) pending = false;
  if (res.error) { document.getElementById("status").textContent = res.error; return; }
  applyCheck(res);
}
function applyCheck(res) {
  lastCheck = res;
  showProblems(res.problems || []);
  showSummary(res.summary, res.problems || []);
  showVerdicts(res.verdicts, res.summary);
}
function placeFor(field) {
  let f = field;
  while (true) {
    const box = document.querySelector(`#form [data-path='${CSS.escape(f)}']`);
    if (box) return box;
    if (!f) return null;
    f = parentPath(f);
  }
}
function showProblems(problems) {
  document.querySelectorAll("#form .msg").forEach((m) => m.replaceChildren());
  document.querySelectorAll("#form [aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
  for (const p of problems) {
    const box = placeFor(p.field);
    if (!box) continue;
    const msg = box.querySelector(":scope > .msg") || box.querySelector(".msg");
    if (!msg) continue;
    const cls = p.warning ? "warning" : p.fill ? "fill" : "error";
    const exact = box.dataset.path === p.field && box.querySelector(":scope > .hint");  // its meaning is already shown under it
    const words = p.fill ? (exact ? "CẦN ĐIỀN" : "CẦN ĐIỀN" + p.message.slice("cần điền".length)) : p.message;
    msg.append(el("div", {class: `problem ${cls}`}, (p.warning ? "⚠ " : p.fill ? "✎ " : "✗ ") + words));
    const control = box.querySelector(`[data-bind='${CSS.escape(p.field)}']`);
    if (control && !p.warning) control.setAttribute("aria-invalid", "true");
  }
}
function showSummary(s, problems) {
  const status = document.getElementById("status");
  const box = document.getElementById("summary");
  if (!s) return;
  const parts = [];
  if (s.fill) parts.push(`${s.fill} chỗ CẦN ĐIỀN`);
  if (s.errors) parts.push(`${s.errors} lỗi`);
  if (s.warnings) parts.push(`${s.warnings} cảnh báo`);
  const ok = !s.fill && !s.errors;
  status.textContent = ok ? (s.warnings ? `✓ Hợp lệ, ${s.warnings} cảnh báo` : "✓ Hợp lệ: lập được hồ sơ") : `Còn lại: ${parts.join(", ")}`;
  status.className = "status " + (ok ? "ok" : "todo");
  const items = problems.slice(0, 400).map((p) => el("li", {class: p.warning ? "warning" : p.fill ? "fill" : "error"},
    el("a", {href: "#", onclick: (e) => { e.preventDefault(); goTo(p.field); }}, p.field || "(cả tệp)"), ": ",
    p.fill ? "CẦN ĐIỀN" + p.message.slice("cần điền".length) : p.message));
  box.replaceChildren(el("h2", {}, ok ? "Dữ liệu hợp lệ" : `Còn lại: ${parts.join(", ")}`),
    items.length ? el("details", {open: problems.length <= 12 ? true : null}, el("summary", {}, `Xem từng chỗ (${problems.length})`), el("ul", {class: "problems"}, items)) : null);
}
function goTo(field) {
  const box = placeFor(field);
  if (!box) return;
  box.scrollIntoView({block: "center"});
  const control = box.querySelector("input, select, textarea");
  if (control) control.focus();
}
function showVerdicts(v, s) {
  const box = document.getElementById("verdicts");
  if (!v) {
    box.replaceChildren(el("h2", {}, "Kết quả tự đánh giá"),
      el("p", {class: "muted"}, "Bảng kết quả hiện khi dữ liệu không còn lỗi ✗ (như “dvht evaluate”); chỗ CẦN ĐIỀN không làm mất bảng: " +
        "chỉ tiêu nào chưa đủ dữ liệu thì ghi “chưa đủ dữ liệu”."));
    return;
  }
  const body = [];
  for (const c of v.criteria) {
    for (const i of v.indicators.filter((x) => x.criterion === c.number)) {
      body.push(el("tr", {class: !i.applicable ? "na" : i.pending ? "pending" : `lv${i.level}`, "data-code": i.code}, el("td", {}, i.code),
        el("td", {}, i.figures.length ? i.figures.join("; ") : "—"), el("td", {class: "level"}, i.label)));
    }
    body.push(el("tr", {class: `criterion ${c.pending ? "pending" : `lv${c.level}`}`}, el("td", {}, `Tiêu chí ${c.number}`), el("td", {}, ""),
      el("td", {class: "level"}, c.label)));
  }
  const staff = v.staff_total == null ? "" : ` (${v.staff_total} thành viên)`;
  box.replaceChildren(el("h2", {}, v.partial ? "Kết quả tự đánh giá (tạm tính)" : "Kết quả tự đánh giá"),
    v.partial ? el("p", {class: "muted", id: "partial-note"}, `Còn ${v.to_fill} chỗ CẦN ĐIỀN. Mức đã hiện là chắc chắn: điền gì vào các chỗ còn lại ` +
      "cũng không đổi; chỉ tiêu, tiêu chí còn phụ thuộc vào chỗ chưa điền (số liệu, minh chứng…) ghi “chưa đủ dữ liệu”.") : null,
    el("p", {class: "unit-level", id: "unit-level"}, `${v.name}: `, el("strong", {}, v.unit), staff),
    el("table", {class: "verdicts"}, el("thead", {}, el("tr", {}, el("th", {}, "Chỉ tiêu"), el("th", {}, "Số liệu"), el("th", {}, "Mức"))), el("tbody", {}, body)));
}

// ---------- save, conflict, build
async function save(overwrite = false) {
  // A second Lưu (a double click, Ctrl+S twice) while one is under way waits for it instead of sending the same
  // base again, which the server would rightly take for an edit made elsewhere.
  while (saving) {
    await saving;
    if (!dirty && !overwrite) return true;
  }
  saving = saveOnce(overwrite);
  try { return await saving; } finally { saving = null; }
}
async function saveOnce(overwrite) {
  clearTimeout(timer);
  const st = document.getElementById("save-state");
  st.textContent = "Đang lưu…";
  const sent = edits;  // what is typed while the request runs is not in it: the page stays unsaved for it
  const res = await call(API("save"), {data, base, overwrite});
  const conflict = document.getElementById("conflict");
  if (res.conflict) {
    st.textContent = "Chưa lưu.";
    conflict.hidden = false;
    conflict.replaceChildren(el("p", {}, res.error),
      el("button", {type: "button", onclick: () => save(true)}, "Ghi đè bằng bản trong trình duyệt"), " ",
      el("button", {type: "button", onclick: () => { dirty = false; load(); }}, "Mở bản trên máy"));
    conflict.querySelector("button").focus();
    return false;
  }
  if (!res.saved) {
    st.textContent = res.error || "Chưa lưu.";
    if (res.problems) applyCheck({problems: res.problems, summary: lastCheck && lastCheck.summary, verdicts: lastCheck && lastCheck.verdicts});
    return false;
  }
  conflict.hidden = true;
  base = res.base;
  dirty = edits !== sent;
  showCarried(null);  // saved: the year is the officer's own now
  st.textContent = `Đã lưu lúc ${new Date().toLocaleTimeString("vi-VN")}` + (res.kept ? ` (bản cũ trên máy giữ ở inputs/${res.kept})` : "") + "."
    + (dirty ? " Có thay đổi mới sau đó, chưa lưu." : "");
  applyCheck(res);
  return true;
}
async function build() {
  const box = document.getElementById("dossier");
  if (dirty && !(await save())) return;
  const log = el("ol", {class: "log", "aria-live": "polite"});
  box.replaceChildren(el("h2", {}, "Lập hồ sơ"), el("p", {id: "build-state"}, "Đang lập hồ sơ… (bản PDF mất vài giây)"), log);
  box.scrollIntoView({block: "start"});
  const start = await call(API("build"), {});
  if (start.error) { document.getElementById("build-state").textContent = start.error; return; }
  let res = start;
  while (res.running) {
    log.replaceChildren(...res.lines.map((l) => el("li", {}, l)));
    await new Promise((r) => setTimeout(r, 500));
    res = await call(API("build"));
  }
  log.replaceChildren(...res.lines.map((l) => el("li", {}, l)));
  showDocuments(res.documents, res.code);
}
function showDocuments(docs, code) {
  const box = document.getElementById("dossier");
  const state = document.getElementById("build-state") || box.appendChild(el("p", {id: "build-state"}));
  if (code !== undefined && code !== null) state.textContent = code === 0 ? "✓ Đã lập hồ sơ." : "✗ Chưa lập được hồ sơ: xem các dòng dưới đây.";
  if (!docs || !docs.length) return;
  const list = el("ul", {class: "documents"}, docs.map((d) => el("li", {}, el("span", {class: "doc-title"}, d.title), " ",
    d.files.map((f) => el("a", {href: f.url, class: `file ${f.kind.toLowerCase()}`, target: f.kind === "PDF" ? "_blank" : null, rel: "noopener"}, f.kind)))));
  box.append(el("h3", {}, "Các văn bản"), list,
    el("p", {}, el("a", {href: `/ho-so/${UNIT}/${YEAR}/tat-ca.zip`, class: "button", id: "zip"}, "Tải tất cả (một tệp .zip)")));
}

// ---------- a year just carried from the last one (as `dvht new-year` prints it), until saved or marked as read
const carriedKey = () => `dvht-carried:${UNIT}/${YEAR}:${base}`;
function showCarried(c) {
  const box = document.getElementById("carried");
  let read = false;
  try { read = !!(c && localStorage.getItem(carriedKey())); } catch (e) { /* no storage: shown until saved */ }
  if (!c || read) { box.hidden = true; box.replaceChildren(); return; }
  const notes = c.notes || [];
  box.hidden = false;
  box.replaceChildren(el("h2", {}, `Năm ${c.year} được chép từ tệp ${c.source} (như “dvht new-year”)`),
    el("p", {}, "Giữ nguyên chú thích, lời văn, đơn vị, Tổ tự đánh giá, danh sách họ tên và chức danh; mọi số liệu của năm " +
      "đã được xóa và đánh dấu “CẦN ĐIỀN” (xem ô “Còn lại”)."),
    notes.length ? el("p", {}, `⚠ ${notes.length} chỗ trong lời văn còn ngày tháng hoặc số văn bản của năm trước — xem lại từng chỗ:`)
      : el("p", {}, "Lời văn không còn ngày tháng hay số văn bản nào của năm trước."),
    notes.length ? el("ul", {class: "problems"}, notes.map((p) => el("li", {class: "warning"},
      el("a", {href: "#", onclick: (e) => { e.preventDefault(); goTo(p.field); }}, `dòng ${p.line || "?"}, ${p.field}`), ": ", p.message))) : null,
    el("button", {type: "button", id: "carried-read", onclick: () => {
      try { localStorage.setItem(carriedKey(), "1"); } catch (e) { /* no storage */ }
      showCarried(null);
    }}, "Đã xem"));
}

// ---------- start
async function load() {
  const res = await call(API("data"));
  const fatal = document.getElementById("fatal");
  if (res.error) {
    fatal.hidden = false;
    fatal.replaceChildren(el("p", {}, res.error), el("ul", {}, (res.problems || []).map((p) => el("li", {}, el("pre", {}, `dòng ${p.line || "?"}: ${p.message}`)))),
      res.note ? el("p", {class: "muted", id: "fatal-note"}, res.note) : null);
    document.getElementById("status").textContent = "Chưa mở được tệp.";
    return;
  }
  fatal.hidden = true;
  document.getElementById("conflict").hidden = true;
  data = res.data;
  base = res.base;
  dirty = false;
  const name = (data.unit && data.unit.name) || UNIT;
  document.getElementById("title").textContent = `${name} — năm ${YEAR}`;
  document.title = `${name} — năm ${YEAR}`;
  document.getElementById("save-state").textContent = "Chưa có thay đổi.";
  render();
  applyCheck(res);
  showCarried(res.carried);
  pending = false;
  const built = await call(API("build"));
  if (built.documents && built.documents.length) {
    document.getElementById("dossier").replaceChildren(el("h2", {}, "Hồ sơ đã lập lần trước"));
    showDocuments(built.documents);
  }
}
document.getElementById("toc").replaceChildren(...PARTS.map(([id, label]) => el("li", {}, el("a", {href: `#${id}`}, label))));
document.getElementById("save").addEventListener("click", () => save());
document.getElementById("build").addEventListener("click", () => build());
document.addEventListener("keydown", (e) => { if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") { e.preventDefault(); save(); } });
window.addEventListener("beforeunload", (e) => { if (dirty) { e.preventDefault(); e.returnValue = ""; } });
load();
