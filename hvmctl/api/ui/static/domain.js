"use strict";
// A domain's consoles: noVNC on the VNC relay, xterm.js on the serial relay (ui/relay.py).
(function () {
  var name = hv.boot.domain;
  document.getElementById("name").textContent = name;
  var base = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ui/domain/" + encodeURIComponent(name);
  var vncStatus = document.getElementById("vnc-status"), serialStatus = document.getElementById("serial-status");

  if (!hv.boot.console_allowed) {
    vncStatus.textContent = serialStatus.textContent = "the consoles need the " + hv.boot.console_role + " role";
    return;
  }

  // ---- graphical console (a reboot restarts QEMU's VNC server: Reconnect opens it again) --
  var vncAgain = document.getElementById("vnc-again");
  function openVnc() {
    vncAgain.hidden = true;
    vncStatus.textContent = "connecting…";
    var rfb = new noVNC.RFB(document.getElementById("screen"), base + "/vnc", {wsProtocols: ["binary"]});
    rfb.scaleViewport = false;
    rfb.resizeSession = false;
    rfb.addEventListener("connect", function () { vncStatus.textContent = "connected"; window.hvVncConnected = true; });
    rfb.addEventListener("disconnect", function (e) {
      vncStatus.textContent = e.detail.clean ? "disconnected" : "connection lost";
      window.hvVncConnected = false;
      vncAgain.hidden = false;
    });
    rfb.addEventListener("credentialsrequired", function () {
      var password = prompt("VNC password of " + name);
      if (password !== null) rfb.sendCredentials({password: password});
    });
    rfb.addEventListener("securityfailure", function (e) { vncStatus.textContent = "refused: " + (e.detail.reason || "wrong password"); });
    window.hvRfb = rfb;
  }
  vncAgain.addEventListener("click", openVnc);
  openVnc();

  // ---- serial console ---------------------------------------------------------------
  var term = new Terminal({cols: 100, rows: 24, scrollback: 2000, fontSize: 13});
  term.open(document.getElementById("serial"));
  var serialAgain = document.getElementById("serial-again"), ws = null;
  function openSerial() {
    serialAgain.hidden = true;
    serialStatus.textContent = "connecting…";
    term.reset();  // the relay sends the log's last lines again
    ws = new WebSocket(base + "/serial");
    ws.binaryType = "arraybuffer";
    ws.onopen = function () { serialStatus.textContent = "connected (shared with xm console)"; };
    ws.onmessage = function (e) { term.write(typeof e.data === "string" ? e.data : new Uint8Array(e.data)); };
    ws.onclose = function (e) {
      serialStatus.textContent = "closed" + (e.reason ? ": " + e.reason : "") + " (" + e.code + ")";
      serialAgain.hidden = false;
    };
  }
  term.onData(function (data) { if (ws && ws.readyState === WebSocket.OPEN) ws.send(data); });
  serialAgain.addEventListener("click", openSerial);
  openSerial();
  window.hvTerm = term;
})();
