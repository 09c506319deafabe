// The app's tab list (#tabs): reorder by dragging a row's handle, or with its Move up / Move down buttons (the keyboard way).
// Either way the rows move in place, the field names are renumbered to the new order, and #reorder-status announces
// the move; Save sends the order like any other edit (with the page's version, so a stale page is still refused).
// Without this script the buttons post the form and the server moves the tab and saves.
(function () {
  var list = document.getElementById('tabs');
  if (!list) return;
  var status = document.getElementById('reorder-status');
  var dragged = null;

  function filledRows() { return Array.prototype.filter.call(list.children, function (li) { return li.hasAttribute('data-filled'); }); }
  function labelOf(li) { return (li.querySelector('input[name^="tab_label_"]').value || 'Untitled tab').trim(); }

  function renumber() {
    var rows = filledRows();
    Array.prototype.forEach.call(list.children, function (li, i) {
      li.querySelectorAll('input').forEach(function (input) { input.name = input.name.replace(/_\d+$/, '_' + i); });
      li.querySelectorAll('label .visually-hidden').forEach(function (span) { span.textContent = ' of tab ' + (i + 1); });
      li.querySelectorAll('button[data-move]').forEach(function (b) {
        var dir = b.dataset.move;
        b.value = dir + ':' + i;
        b.setAttribute('aria-label', 'Move ' + labelOf(li) + ' ' + dir);
        var atEnd = dir === 'up' ? i === 0 : i === rows.length - 1;
        if (atEnd) b.setAttribute('aria-disabled', 'true'); else b.removeAttribute('aria-disabled');
      });
    });
  }

  function announce(li) {
    var rows = filledRows();
    status.textContent = 'Moved ' + labelOf(li) + ' to position ' + (rows.indexOf(li) + 1) + ' of ' + rows.length + '. Select Save to keep this order.';
  }

  list.addEventListener('click', function (e) {
    var button = e.target.closest('button[data-move]');
    if (!button) return;
    e.preventDefault();
    var li = button.closest('li');
    var rows = filledRows();
    var at = rows.indexOf(li);
    var to = button.dataset.move === 'up' ? at - 1 : at + 1;
    if (to < 0 || to >= rows.length) {
      status.textContent = labelOf(li) + ' is already ' + (to < 0 ? 'first.' : 'last.');
      return;
    }
    if (to < at) list.insertBefore(li, rows[to]); else list.insertBefore(li, rows[to].nextSibling);
    renumber();
    announce(li);
    button.focus(); // the row moved; focus stays on the button that moved it
  });

  list.addEventListener('dragstart', function (e) {
    var handle = e.target.closest && e.target.closest('.handle[draggable]');
    if (!handle) return;
    dragged = handle.closest('li');
    dragged.classList.add('dragging');
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData('text/plain', labelOf(dragged));
    if (e.dataTransfer.setDragImage) e.dataTransfer.setDragImage(dragged, 10, 10);
  });

  function targetOf(e) {
    var li = e.target.closest && e.target.closest('li[data-filled]');
    return li && li !== dragged ? li : null;
  }

  list.addEventListener('dragover', function (e) {
    if (!dragged) return;
    var li = targetOf(e);
    list.querySelectorAll('.drop-target').forEach(function (x) { x.classList.remove('drop-target'); });
    if (!li) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    li.classList.add('drop-target');
  });

  list.addEventListener('drop', function (e) {
    if (!dragged) return;
    var li = targetOf(e);
    if (!li) return;
    e.preventDefault();
    var rows = filledRows();
    if (rows.indexOf(li) > rows.indexOf(dragged)) list.insertBefore(dragged, li.nextSibling); else list.insertBefore(dragged, li);
    renumber();
    announce(dragged);
  });

  list.addEventListener('dragend', function () {
    if (dragged) dragged.classList.remove('dragging');
    list.querySelectorAll('.drop-target').forEach(function (x) { x.classList.remove('drop-target'); });
    dragged = null;
  });

  renumber();
})();
