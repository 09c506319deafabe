// Auto-saves the publishing request's draft every 5 seconds while it has unsaved changes, and says so:
// #draft-status shows "Saved 3 s ago" / "Not saved: …" (ticking), #draft-announce (role=status) tells screen readers
// once per save or failure, so they are not read a new number every second.
// The server answers with the draft's new version; a 409 means another window saved since (or it was submitted), and we stop.
(function () {
  var form = document.getElementById('publish-form');
  if (!form) return;
  var status = document.getElementById('draft-status');
  var announce = document.getElementById('draft-announce');
  var dirty = false, saving = null, stopped = false, error = null;
  var savedAt = form.dataset.savedAt ? Date.parse(form.dataset.savedAt) : null;
  // This script is deferred: what was typed before it ran fired no event here, so compare with the page as served.
  dirty = Array.prototype.some.call(form.elements, function (el) {
    if (el.type === 'checkbox' || el.type === 'radio') return el.checked !== el.defaultChecked;
    if (el.tagName === 'SELECT') return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
    return 'defaultValue' in el && el.value !== el.defaultValue;
  });
  form.addEventListener('input', function () { dirty = true; });
  form.addEventListener('change', function () { dirty = true; });

  function render() {
    if (!status) return;
    if (error) { status.textContent = 'Not saved: ' + error; status.classList.add('error'); return; }
    status.classList.remove('error');
    if (savedAt === null || isNaN(savedAt)) { status.textContent = dirty ? 'Not saved yet: changes are saved every 5 seconds.' : ''; return; }
    var s = Math.max(0, Math.round((Date.now() - savedAt) / 1000));
    status.textContent = s < 60 ? 'Saved ' + s + ' s ago' : s < 3600 ? 'Saved ' + Math.floor(s / 60) + ' min ago' : 'Saved ' + Math.floor(s / 3600) + ' h ago';
  }

  function tell(text) { if (announce) announce.textContent = text; }

  function save() {
    if (saving) return saving;
    if (!dirty || stopped) return Promise.resolve();
    dirty = false;
    saving = fetch(form.dataset.draftUrl, { method: 'POST', body: new FormData(form), credentials: 'same-origin' })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.ok) {
            form.elements['version'].value = body.version;
            savedAt = Date.now(); error = null;
            tell('Saved.');
          } else {
            stopped = response.status === 409 || response.status === 403;
            if (!stopped) dirty = true;
            error = body.message || body.detail || 'the server refused the draft (' + response.status + ').';
            tell('Not saved: ' + error);
          }
        });
      })
      .catch(function () { dirty = true; error = 'you seem to be offline; retrying every 5 seconds.'; tell('Not saved: ' + error); })
      .finally(function () { saving = null; render(); });
    return saving;
  }

  // An upload reloads the page: save what was typed first, so it is not lost.
  document.querySelectorAll('form[data-upload]').forEach(function (upload) {
    upload.addEventListener('submit', function (e) {
      if (!dirty || stopped) return;
      e.preventDefault();
      save().then(function () { upload.submit(); });
    });
  });

  render();
  setInterval(save, 5000);
  setInterval(render, 1000);
})();
