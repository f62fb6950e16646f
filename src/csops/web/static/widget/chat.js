/* csops live-chat widget. Embed with one tag:
 *   <script src="https://desk.example/widget/chat.js" data-title="Chat with us" async></script>
 * Options (data-*): title, greeting, color, lang ("en" or "zh"; default: the browser's).
 * No dependencies, no build step.
 * The visitor token and the current chat token are kept in localStorage; every text is
 * shown with textContent (never parsed as HTML). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__csopsChat) { return; }
  window.__csopsChat = true;
  var base = new URL(script.src, window.location.href).origin;
  var opts = script.dataset || {};
  var KEY_VISITOR = "csops_chat_visitor", KEY_CHAT = "csops_chat_token";
  var TEXTS = {
    en: {
      title: "Chat with us", greeting: "Hi! How can we help?", name: "Your name (optional)",
      email: "Email (optional)", type: "Type your message", send: "Send", close: "Close",
      offer: "No one is free right now. We can answer you by email instead.",
      emailMe: "Email me the answer", willEmail: "We will answer you by email.",
      ended: "This conversation has ended.", notSent: "Not sent: ", notSaved: "Not saved: "
    },
    zh: {
      title: "在线咨询", greeting: "您好！有什么可以帮您？", name: "您的姓名（可选）",
      email: "邮箱（可选）", type: "请输入消息", send: "发送", close: "关闭",
      offer: "客服暂时无法接入。我们可以通过邮件回复您。",
      emailMe: "通过邮件回复我", willEmail: "我们将通过邮件回复您。",
      ended: "此对话已结束。", notSent: "发送失败：", notSaved: "保存失败："
    }
  };
  var lang = (opts.lang || navigator.language || "en").toLowerCase().indexOf("zh") === 0 ? "zh" : "en";
  var T = TEXTS[lang];
  var state = { token: null, source: null, seen: {}, lastId: 0 };

  function store(key, value) {
    try { if (value) { localStorage.setItem(key, value); } else { localStorage.removeItem(key); } } catch (e) { /* private mode */ }
  }
  function load(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text) { node.textContent = text; }
    return node;
  }
  function api(method, path, body) {
    var init = { method: method, headers: {}, mode: "cors", credentials: "omit" };
    if (body !== undefined) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    return fetch(base + "/api/v1/chat" + path, init).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) { var err = new Error(data.detail || ("HTTP " + r.status)); err.status = r.status; throw err; }
        return data;
      });
    });
  }

  var link = el("link"); link.rel = "stylesheet"; link.href = base + "/widget/chat.css";
  document.head.appendChild(link);
  var root = el("div", "csops-chat");
  if (opts.color) { root.style.setProperty("--csops-chat-color", opts.color); }
  var launcher = el("button", "csops-chat-launcher", opts.title || T.title);
  launcher.type = "button";
  var panel = el("section", "csops-chat-panel");
  panel.hidden = true;
  panel.setAttribute("aria-label", opts.title || T.title);
  var header = el("header", "csops-chat-header");
  header.appendChild(el("span", "csops-chat-title", opts.title || T.title));
  var close = el("button", "csops-chat-close", "\u00d7");
  close.type = "button"; close.setAttribute("aria-label", T.close);
  header.appendChild(close);
  var log = el("div", "csops-chat-log"); log.setAttribute("aria-live", "polite");
  var notice = el("div", "csops-chat-notice"); notice.hidden = true;
  var intro = el("form", "csops-chat-intro");
  intro.appendChild(el("p", "csops-chat-greeting", opts.greeting || T.greeting));
  var nameIn = el("input", "csops-chat-name"); nameIn.placeholder = T.name; nameIn.maxLength = 200;
  var emailIn = el("input", "csops-chat-email"); emailIn.type = "email"; emailIn.placeholder = T.email; emailIn.maxLength = 320;
  intro.appendChild(nameIn); intro.appendChild(emailIn);
  var composer = el("form", "csops-chat-composer");
  var input = el("textarea", "csops-chat-input"); input.rows = 2; input.placeholder = T.type; input.maxLength = 10000;
  var send = el("button", "csops-chat-send", T.send); send.type = "submit";
  composer.appendChild(input); composer.appendChild(send);
  var followup = el("form", "csops-chat-followup"); followup.hidden = true;
  followup.appendChild(el("p", null, T.offer));
  var followEmail = el("input", "csops-chat-followup-email"); followEmail.type = "email"; followEmail.placeholder = "you@example.com";
  var followSend = el("button", "csops-chat-followup-send", T.emailMe); followSend.type = "submit";
  followup.appendChild(followEmail); followup.appendChild(followSend);
  panel.appendChild(header); panel.appendChild(log); panel.appendChild(notice); panel.appendChild(followup);
  panel.appendChild(intro); panel.appendChild(composer);
  root.appendChild(panel); root.appendChild(launcher);
  document.body.appendChild(root);

  function say(text, kind) { notice.textContent = text; notice.hidden = !text; notice.className = "csops-chat-notice " + (kind || ""); }
  function show(msg) {
    if (state.seen[msg.id]) { return; }
    state.seen[msg.id] = true;
    state.lastId = Math.max(state.lastId, msg.id);
    var row = el("div", "csops-chat-msg " + msg.author);
    if (msg.author !== "customer" && msg.name) { row.appendChild(el("span", "csops-chat-who", msg.name)); }
    row.appendChild(el("span", "csops-chat-text", msg.body_text));
    log.appendChild(row);
    log.scrollTop = log.scrollHeight;
  }
  function render(data) {
    intro.hidden = true;
    (data.messages || []).forEach(show);
    var offer = data.followup_offered && !data.followup_requested;
    followup.hidden = !offer;
    followEmail.hidden = !data.anonymous;
    if (data.followup_requested) { say(T.willEmail, "ok"); }
  }
  function listen() {
    if (state.source || !state.token || !window.EventSource) { return; }
    var src = new EventSource(base + "/widget/chat/" + encodeURIComponent(state.token) + "/stream");
    state.source = src;
    src.addEventListener("open", function () { refresh(); });
    src.addEventListener("message", function (e) { try { show(JSON.parse(e.data)); } catch (err) { /* ignore */ } });
    src.addEventListener("followup", function () { refresh(); });
  }
  function refresh() {
    if (!state.token) { return Promise.resolve(); }
    return api("GET", "/sessions/" + encodeURIComponent(state.token)).then(render).catch(function (err) {
      if (err.status === 404) { forget(); }
    });
  }
  function forget() {
    store(KEY_CHAT, null); state.token = null; intro.hidden = false;
    if (state.source) { state.source.close(); state.source = null; }
  }
  function begin(text) {
    var body = { message: text, name: nameIn.value.trim(), visitor_token: load(KEY_VISITOR), page: String(window.location.href).slice(0, 300) };
    if (emailIn.value.trim()) { body.email = emailIn.value.trim(); }
    return api("POST", "/sessions", body).then(function (data) {
      state.token = data.chat_token;
      store(KEY_CHAT, data.chat_token); store(KEY_VISITOR, data.visitor_token);
      render(data); listen();
    });
  }
  composer.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    send.disabled = true; say("");
    var done = state.token
      ? api("POST", "/sessions/" + encodeURIComponent(state.token) + "/messages", { body: text }).then(show)
      : begin(text);
    done.then(function () { input.value = ""; }).catch(function (err) {
      say(err.status === 409 ? T.ended : T.notSent + err.message, "error");
      if (err.status === 409 || err.status === 404) { forget(); }
    }).then(function () { send.disabled = false; input.focus(); });
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); composer.requestSubmit(); }
  });
  followup.addEventListener("submit", function (e) {
    e.preventDefault();
    var body = followEmail.hidden ? {} : { email: followEmail.value.trim() };
    api("POST", "/sessions/" + encodeURIComponent(state.token) + "/followup", body).then(render).catch(function (err) {
      say(T.notSaved + err.message, "error");
    });
  });
  function toggle(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      state.token = state.token || load(KEY_CHAT);
      if (state.token) { refresh().then(listen); }
      input.focus();
    }
  }
  launcher.addEventListener("click", function () { toggle(panel.hidden); });
  close.addEventListener("click", function () { toggle(false); });
})();
