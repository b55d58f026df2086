// The list page: new unit, new year from the last. Plain JavaScript, no library.
"use strict";
async function post(url, body) {
  const r = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
  let data = {};
  try { data = await r.json(); } catch (e) { data = {error: "Máy không trả lời đúng (mã " + r.status + ")."}; }
  return {ok: r.ok, data};
}
function wire(form, url, body) {
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const err = form.querySelector(".form-error");
    err.textContent = "";
    const res = await post(url, body(form));
    if (res.ok && res.data.url) { location.href = res.data.url; } else { err.textContent = res.data.error || "Không tạo được."; }
  });
}
const nu = document.getElementById("new-unit");
if (nu) wire(nu, "/api/new-unit", (f) => ({name: f.elements.name.value, year: f.elements.year.value}));
document.querySelectorAll("form.new-year").forEach((f) => wire(f, "/api/new-year", (f) => ({unit: f.dataset.unit, year: f.elements.year.value})));
