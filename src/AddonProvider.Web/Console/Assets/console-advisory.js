// The advisory compose form's live preview: as the operator types, the form is posted (with its antiforgery token) to the
// console's preview endpoint, which renders the very email AdvisoryEmail sends, and the panel is refreshed. No inline script.
(() => {
  const form = document.getElementById('advisory-form');
  if (!form) return;
  const set = (id, text) => { const el = document.getElementById(id); if (el) el.textContent = text; };
  let timer = null;
  let seq = 0;
  async function refresh() {
    const mine = ++seq;
    const response = await fetch(form.dataset.preview, { method: 'POST', body: new URLSearchParams(new FormData(form)), credentials: 'same-origin' });
    if (mine !== seq) return;
    const body = await response.json().catch(() => ({}));
    const error = document.getElementById('preview-error');
    if (!response.ok) {
      error.hidden = false;
      error.textContent = body.message || 'The preview could not be rendered.';
      return;
    }
    error.hidden = true;
    set('preview-from', body.email.from);
    set('preview-to', body.email.to);
    set('preview-subject', body.email.subject);
    set('preview-text', body.email.text);
    set('reach', `Would reach ${body.reach.resources} resource(s) and ${body.reach.recipients} recipient(s); ${body.reach.unreachable} resource(s) have no known contact.`);
    document.getElementById('preview').dataset.refreshed = String(mine);
  }
  const schedule = () => { clearTimeout(timer); timer = setTimeout(refresh, 300); };
  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);
  refresh();
})();
