"use strict";
// What every console page shares: its boot data, calling an action of the daemon's action
// table (method and path come from the table, served in boot.actions), signing out.
var hv = (function () {
  var boot = JSON.parse(document.getElementById("boot").textContent);

  function actionUrl(name, ref) {
    return boot.actions[name].path.replace("{ref}", encodeURIComponent(ref || ""));
  }

  function call(name, ref, body) {
    var entry = boot.actions[name];
    var headers = {"Content-Type": "application/json"};
    if (boot.csrf) headers[boot.csrf_header] = boot.csrf;
    return fetch(actionUrl(name, ref), {method: entry.method, headers: headers, credentials: "same-origin",
                                         body: entry.method === "GET" ? undefined : JSON.stringify(body || {})})
      .then(function (resp) {
        return resp.json().catch(function () { return {}; }).then(function (data) {
          if (resp.status === 401) { location.href = "/ui/login?next=" + encodeURIComponent(location.pathname); }
          if (!resp.ok) {
            var err = new Error(data.message || ("HTTP " + resp.status));
            err.kind = data.error;
            throw err;
          }
          return data;
        });
      });
  }

  function allowed(name, state) {
    var entry = boot.actions[name];
    return !!entry && entry.allowed && (entry.states === null || entry.states.indexOf(state) >= 0);
  }

  function signout() {
    var headers = {};
    if (boot.csrf) headers[boot.csrf_header] = boot.csrf;
    fetch("/ui/logout", {method: "POST", headers: headers, credentials: "same-origin"})
      .finally(function () { location.href = "/ui/login"; });
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function duration(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600);
    var m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    var hms = [h, m, s].map(function (v) { return (v < 10 ? "0" : "") + v; }).join(":");
    return (d ? d + "d " : "") + hms;
  }

  var me = document.getElementById("me");
  if (me && boot.me) me.textContent = boot.me.name + " (" + boot.me.role + ")";
  var out = document.getElementById("signout");
  if (out) out.addEventListener("click", signout);
  return {boot: boot, call: call, allowed: allowed, el: el, duration: duration, actionUrl: actionUrl};
})();
