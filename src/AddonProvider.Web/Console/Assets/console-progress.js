// The delivery progress page updates itself: it polls the console's JSON progress endpoint until every recipient is sent
// or failed, then reloads once so the failed recipients (and their resend form) are listed. No inline script.
(() => {
  const box = document.getElementById('progress');
  if (!box) return;
  const set = (id, value) => { const el = document.getElementById(id); if (el) el.textContent = String(value); };
  async function poll() {
    const response = await fetch(box.dataset.source, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (!response.ok) { setTimeout(poll, 2000); return; }
    const p = await response.json();
    document.getElementById('progress-bar').value = p.percent;
    set('progress-percent', p.percent);
    set('progress-sent', p.sent);
    set('progress-pending', p.pending);
    set('progress-failed', p.failed);
    set('progress-total', p.total);
    set('progress-unreachable', p.unreachable);
    const done = p.resolved && p.pending === 0;
    set('progress-state', done ? 'Finished.' : p.resolved ? 'Sending…' : 'Resolving recipients…');
    if (done) {
      box.dataset.done = 'true';
      if (p.failed > 0 && !document.getElementById('failed-list')) location.reload();
      return;
    }
    setTimeout(poll, 1000);
  }
  poll();
})();
