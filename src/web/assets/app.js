// aigc serve: small progressive enhancements. Every page works without this
// script; it only saves keystrokes.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Ctrl+Enter (or Cmd+Enter) in the SQL box runs the statement.
  const q = document.querySelector("#sql-form textarea");
  if (q) {
    q.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        q.form.requestSubmit();
      }
    });
  }
  // Bring the first field with an error into view and focus.
  const bad = document.querySelector("[aria-invalid=true]");
  if (bad) bad.focus();
});
