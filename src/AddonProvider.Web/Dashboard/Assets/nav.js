// Heroku's nav header: boomerang draws it into div#heroku-header from the heroku-nav-data cookie.
// The app and add-on names come from data attributes, never from script built on the server.
document.addEventListener('DOMContentLoaded', function () {
  if (window.Boomerang && typeof window.Boomerang.init === 'function') {
    window.Boomerang.init({ app: document.body.dataset.app || '', addon: document.body.dataset.addon || '' });
  }
});
