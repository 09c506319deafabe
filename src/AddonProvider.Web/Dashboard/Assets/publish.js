// Auto-saves the publishing request's draft every 5 seconds while it has unsaved changes.
// The server answers with the draft's new version; a 409 means another window saved since, and we stop.
(function () {
  var form = document.getElementById('publish-form');
  if (!form) return;
  var status = document.getElementById('draft-status');
  var dirty = false, saving = false, stopped = false;
  form.addEventListener('input', function () { dirty = true; });
  form.addEventListener('change', function () { dirty = true; });

  function show(text) { if (status) status.textContent = text; }

  function save() {
    if (!dirty || saving || stopped) return;
    saving = true; dirty = false;
    fetch(form.dataset.draftUrl, { method: 'POST', body: new FormData(form), credentials: 'same-origin' })
      .then(function (response) {
        return response.json().then(function (body) {
          if (response.ok) {
            form.elements['version'].value = body.version;
            show('Draft saved at ' + new Date().toLocaleTimeString() + '.');
          } else {
            stopped = response.status === 409 || response.status === 403;
            if (!stopped) dirty = true;
            show(body.message || 'The draft could not be saved.');
          }
        });
      })
      .catch(function () { dirty = true; show('Offline: the draft will be saved when the connection is back.'); })
      .finally(function () { saving = false; });
  }

  setInterval(save, 5000);
})();
