/* csops web form embed: <script src="https://desk.example/widget/form.js" async></script>
 * inserts the request form (/forms/request) in an iframe where the script tag stands.
 * Options (data-*): height (pixels, default 640). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var base = new URL(script.src, window.location.href).origin;
  var frame = document.createElement("iframe");
  frame.src = base + "/forms/request";
  frame.title = script.dataset.title || "Contact support";
  frame.loading = "lazy";
  frame.style.width = "100%";
  frame.style.maxWidth = "640px";
  frame.style.height = (parseInt(script.dataset.height, 10) || 640) + "px";
  frame.style.border = "0";
  script.parentNode.insertBefore(frame, script.nextSibling);
})();
