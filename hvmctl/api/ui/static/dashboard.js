"use strict";
// The dashboard: one event stream (/ui/events) renders the host and the domains; buttons
// are the action table's, shown when the role and the domain's state allow them.
(function () {
  var LABELS = {start: "Start", shutdown: "Shutdown", reboot: "Reboot", pause: "Pause", unpause: "Unpause",
                resume: "Resume", destroy: "Destroy", save: "Save"};
  var THUMB_EVERY = 10000;  // ms between two screenshots of a running domain
  var tbody = document.querySelector("#domains tbody");
  var status = document.getElementById("status");
  var live = document.getElementById("live");
  var skew = 0, latest = null, thumbs = {};

  function hostPanel(host) {
    var dl = document.getElementById("host");
    dl.textContent = "";
    var mib = function (n) { return n === null || n === undefined ? "?" : n + " MiB"; };  // xm info's unit
    [["Host", host.host], ["CPUs", host.nr_cpus], ["Memory", mib(host.total_memory)],
     ["Free memory", mib(host.free_memory)],
     ["Accelerator", host.accel || (host.accel_in_use.length ? host.accel_in_use.join(", ") + " (in use)" : "not probed yet")],
     ["QEMU", host.qemu], ["Kernel", host.release + " " + host.machine], ["hvmctl", host.hvmctl_version]
    ].forEach(function (pair) {
      dl.appendChild(hv.el("dt", {}, pair[0]));
      dl.appendChild(hv.el("dd", {"data-key": pair[0]}, String(pair[1])));
    });
  }

  function press(name, dom) {
    var body = {};
    if (name === "destroy" && !confirm("Destroy " + dom.name + " now (like pulling the plug)?")) return;
    if (name === "save") {
      var file = prompt("Save " + dom.name + " to which file on the host?", "/var/lib/hvmctl/save/" + dom.name + ".save");
      if (!file) return;
      body = {file: file};
    }
    status.textContent = LABELS[name] + " " + dom.name + "…";
    hv.call(name, dom.name, body).then(function () {
      status.textContent = LABELS[name] + " " + dom.name + ": done";
    }, function (err) {
      status.textContent = LABELS[name] + " " + dom.name + " failed: " + err.message;
    });
  }

  function thumb(dom) {
    var cell = hv.el("td");
    if (!hv.allowed("screenshot", dom.state) || !dom.vnc) { cell.appendChild(hv.el("div", {"class": "thumb-none"})); return cell; }
    var now = Date.now(), last = thumbs[dom.uuid];
    if (!last || now - last.at > THUMB_EVERY) { last = thumbs[dom.uuid] = {at: now, url: hv.actionUrl("screenshot", dom.name) + "?t=" + now}; }
    cell.appendChild(hv.el("img", {"class": "thumb", src: last.url, alt: "screen of " + dom.name}));
    return cell;
  }

  function render() {
    if (!latest) return;
    var now = Date.now() / 1000 + skew;
    tbody.textContent = "";
    latest.domains.forEach(function (dom) {
      var tr = hv.el("tr", {"data-domain": dom.name});
      tr.appendChild(thumb(dom));
      var name = hv.el("td");
      name.appendChild(hv.el("a", {href: "/ui/domain/" + encodeURIComponent(dom.name)}, dom.name));
      tr.appendChild(name);
      tr.appendChild(hv.el("td", {"class": "num"}, dom.id === null ? "" : String(dom.id)));
      tr.appendChild(hv.el("td", {"class": "state state-" + dom.state, "data-state": dom.state}, dom.state));
      tr.appendChild(hv.el("td", {"class": "num"}, String(dom.memory)));
      tr.appendChild(hv.el("td", {"class": "num"}, String(dom.vcpus)));
      var up = dom.start_time && ["running", "paused", "starting"].indexOf(dom.state) >= 0 ? hv.duration(now - dom.start_time) : "";
      tr.appendChild(hv.el("td", {"class": "num uptime"}, up));
      var actions = hv.el("td");
      hv.boot.buttons.forEach(function (name) {
        if (!hv.allowed(name, dom.state)) return;
        var b = hv.el("button", {"data-action": name, "class": name === "destroy" ? "danger" : ""}, LABELS[name]);
        b.title = hv.boot.actions[name].summary;
        b.addEventListener("click", function () { press(name, dom); });
        actions.appendChild(b);
      });
      tr.appendChild(actions);
      tbody.appendChild(tr);
    });
    if (!latest.domains.length) {
      var empty = hv.el("tr"); empty.appendChild(hv.el("td", {colspan: "8", "class": "status"}, "No domains."));
      tbody.appendChild(empty);
    }
  }

  var source = new EventSource("/ui/events");
  source.addEventListener("state", function (e) {
    latest = JSON.parse(e.data);
    skew = latest.now - Date.now() / 1000;
    live.textContent = "live";
    hostPanel(latest.host);
    render();
  });
  source.addEventListener("signed-out", function () { source.close(); location.href = "/ui/login"; });
  source.onerror = function () { live.textContent = "reconnecting…"; };
  setInterval(function () {  // uptime is arithmetic here; only the numbers move
    if (!latest) return;
    var now = Date.now() / 1000 + skew;
    latest.domains.forEach(function (dom) {
      var cell = tbody.querySelector('tr[data-domain="' + CSS.escape(dom.name) + '"] .uptime');
      if (cell && cell.textContent) cell.textContent = hv.duration(now - dom.start_time);
    });
  }, 1000);

  // ---- create from a pasted profile; the reader's FILE:LINE errors point into the text --
  if (hv.boot.actions.create.allowed) {
    document.getElementById("create-panel").hidden = false;
    document.getElementById("create").addEventListener("submit", function (e) {
      e.preventDefault();
      var text = document.getElementById("profile"), file = document.getElementById("filename").value || "profile.cfg";
      var error = document.getElementById("create-error"), done = document.getElementById("create-status");
      error.textContent = ""; done.textContent = "creating…";
      hv.call("create", null, {profile: text.value, filename: file}).then(function (dom) {
        done.textContent = "created " + (dom.name || "") + (dom.id !== undefined ? " (id " + dom.id + ")" : "");
      }, function (err) {
        done.textContent = "";
        error.textContent = err.message;
        var at = err.message.match(/^(.*?):(\d+): /);
        if (at && at[1] === file) {  // select the line the reader names
          var lines = text.value.split("\n"), n = parseInt(at[2], 10), start = 0;
          for (var i = 0; i < n - 1 && i < lines.length; i++) start += lines[i].length + 1;
          text.focus();
          text.setSelectionRange(start, start + (lines[n - 1] || "").length);
          error.setAttribute("data-line", String(n));
        }
      });
    });
  }
})();
