"use strict";
// carry ?next= through the form (only a page of the console: the server checks it again)
(function () {
  var next = new URLSearchParams(location.search).get("next");
  if (next && next.indexOf("/ui/") === 0) document.getElementById("next").value = next;
})();
