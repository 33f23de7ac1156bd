/*
 * AI Alliance Aachen assistant: chat widget for other websites.
 *
 *   <script src="https://assistant.example/widget.js" defer></script>
 *   optional: data-lang="de|en"  data-title="…"
 *
 * Plain ES2017, no dependencies. Everything lives in a Shadow DOM, so the page's CSS cannot
 * break the widget and the widget's CSS cannot touch the page. Server text is only ever put
 * into the page with textContent (never innerHTML); links are made only for http(s) URLs,
 * "www." addresses and e-mail addresses, as anchors built node by node.
 */
(function () {
  'use strict';

  if (window.__aaaWidgetLoaded) return; // the tag included twice gives one bubble
  window.__aaaWidgetLoaded = true;

  var script = document.currentScript ||
    document.querySelector('script[src*="/widget.js"]');
  if (!script || !script.src) return;

  var ASK_URL = new URL('widget/ask', script.src).href; // the server the script came from
  var MAX_HISTORY = 20;
  var TIMEOUT_MS = 90000;
  var SNIPPET_CHARS = 180;

  var STRINGS = {
    de: {
      title: 'AI Alliance Aachen – Assistent',
      open: 'Chat mit dem Assistenten der AI Alliance Aachen öffnen',
      close: 'Chat schließen',
      label: 'Ihre Frage',
      placeholder: 'z. B. Wann wurde die AI Alliance Aachen gegründet?',
      send: 'Senden',
      intro: 'Hallo! Ich beantworte Fragen zur AI Alliance Aachen und ihren Partnern – ' +
        'aus der Wissensbasis, mit Quellen.',
      foot: 'Bitte geben Sie keine persönlichen Daten ein.',
      log: 'Gesprächsverlauf',
      you: 'Ihre Frage:',
      bot: 'Antwort:',
      pending: 'Die Antwort wird gesucht …',
      sources: 'Quellen',
      abstained: 'Keine Antwort in der Wissensbasis',
      unreachable: 'Der Assistent ist gerade nicht erreichbar. Bitte versuchen Sie es später ' +
        'noch einmal.',
      failed: 'Etwas ist schiefgegangen. Bitte versuchen Sie es später noch einmal.',
      badQuestion: 'Die Frage konnte nicht beantwortet werden:'
    },
    en: {
      title: 'AI Alliance Aachen – Assistant',
      open: 'Open the chat with the AI Alliance Aachen assistant',
      close: 'Close the chat',
      label: 'Your question',
      placeholder: 'e.g. When was the AI Alliance Aachen founded?',
      send: 'Send',
      intro: 'Hello! I answer questions about the AI Alliance Aachen and its partners – ' +
        'from the knowledge base, with sources.',
      foot: 'Please do not enter personal data.',
      log: 'Conversation',
      you: 'Your question:',
      bot: 'Answer:',
      pending: 'Looking for the answer …',
      sources: 'Sources',
      abstained: 'No answer in the knowledge base',
      unreachable: 'The assistant cannot be reached right now. Please try again later.',
      failed: 'Something went wrong. Please try again later.',
      badQuestion: 'The question could not be answered:'
    }
  };

  function pickLang() {
    var wanted = (script.getAttribute('data-lang') || '').toLowerCase();
    if (wanted === 'de' || wanted === 'en') return wanted;
    var page = (document.documentElement.getAttribute('lang') || '').toLowerCase();
    return page.indexOf('en') === 0 ? 'en' : 'de';
  }

  var LANG = pickLang();
  var T = STRINGS[LANG];
  var TITLE = script.getAttribute('data-title') || T.title;

  var CSS = [
    ':host{all:initial !important;display:block !important;}',
    '.aaa-widget,.aaa-widget *,.aaa-widget *::before,.aaa-widget *::after{box-sizing:border-box;}',
    '.aaa-widget [hidden]{display:none !important;}',
    '.aaa-widget{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;',
    '  font-size:15px;line-height:1.45;color:#111827;}',
    '.aaa-widget-bubble{position:fixed;right:20px;bottom:20px;z-index:2147483000;',
    '  width:56px;height:56px;border-radius:50%;border:0;margin:0;padding:0;cursor:pointer;',
    '  background:#1e40af;color:#fff;box-shadow:0 4px 14px rgba(0,0,0,.3);',
    '  display:flex;align-items:center;justify-content:center;}',
    '.aaa-widget-bubble:hover{background:#1e3a8a;}',
    '.aaa-widget-bubble svg{width:28px;height:28px;fill:currentColor;}',
    '.aaa-widget-panel{position:fixed;right:20px;bottom:88px;z-index:2147483000;',
    '  width:min(380px,calc(100vw - 24px));height:min(560px,calc(100vh - 112px));',
    '  display:flex;flex-direction:column;background:#fff;color:#111827;',
    '  border:1px solid #9ca3af;border-radius:12px;overflow:hidden;',
    '  box-shadow:0 10px 30px rgba(0,0,0,.25);}',
    '@media (max-width:480px){.aaa-widget-panel{right:12px;bottom:80px;',
    '  height:calc(100vh - 100px);}.aaa-widget-bubble{right:12px;bottom:12px;}}',
    '.aaa-widget-header{display:flex;align-items:center;gap:8px;padding:10px 12px;',
    '  background:#1e40af;color:#fff;}',
    '.aaa-widget-title{flex:1;margin:0;font-size:16px;font-weight:600;line-height:1.3;}',
    '.aaa-widget-close{border:0;background:transparent;color:#fff;cursor:pointer;',
    '  font:inherit;font-size:22px;line-height:1;width:36px;height:36px;border-radius:6px;}',
    '.aaa-widget-close:hover{background:#1e3a8a;}',
    '.aaa-widget-messages{flex:1;overflow-y:auto;padding:12px;display:flex;',
    '  flex-direction:column;gap:10px;background:#fff;}',
    '.aaa-widget-msg{max-width:92%;padding:8px 11px;border-radius:10px;',
    '  overflow-wrap:anywhere;}',
    '.aaa-widget-msg p{margin:0 0 6px;}.aaa-widget-msg p:last-child{margin-bottom:0;}',
    '.aaa-widget-user{align-self:flex-end;background:#1e40af;color:#fff;white-space:pre-wrap;}',
    '.aaa-widget-bot{align-self:flex-start;background:#f3f4f6;color:#111827;}',
    '.aaa-widget-error{align-self:flex-start;background:#fef2f2;color:#991b1b;',
    '  border:1px solid #fca5a5;}',
    '.aaa-widget-abstained{border-left:4px solid #b45309;}',
    '.aaa-widget-badge{display:inline-block;margin:0 0 6px;padding:1px 8px;border-radius:999px;',
    '  background:#fef3c7;color:#78350f;font-size:13px;font-weight:600;}',
    '.aaa-widget-notice{font-size:13px;color:#374151;}',
    '.aaa-widget a{color:#1e40af;text-decoration:underline;}',
    '.aaa-widget-sources-title{margin:8px 0 2px;font-size:13px;font-weight:600;}',
    '.aaa-widget-sources{margin:0;padding-left:22px;font-size:13px;}',
    '.aaa-widget-sources li{margin:2px 0 6px;}',
    '.aaa-widget-snippet{display:block;color:#374151;}',
    '.aaa-widget-form{display:flex;flex-direction:column;gap:4px;padding:8px 12px 4px;',
    '  border-top:1px solid #d1d5db;background:#fff;}',
    '.aaa-widget-label{font-size:13px;font-weight:600;color:#111827;}',
    '.aaa-widget-row{display:flex;gap:8px;align-items:flex-end;}',
    '.aaa-widget-input{flex:1;resize:none;font:inherit;color:#111827;background:#fff;',
    '  border:1px solid #6b7280;border-radius:8px;padding:7px 9px;min-height:40px;',
    '  max-height:120px;margin:0;}',
    '.aaa-widget-input::placeholder{color:#6b7280;}',
    '.aaa-widget-send{font:inherit;font-weight:600;border:0;border-radius:8px;',
    '  padding:9px 14px;background:#1e40af;color:#fff;cursor:pointer;margin:0;}',
    '.aaa-widget-send:hover{background:#1e3a8a;}',
    '.aaa-widget-send:disabled{background:#4b5563;color:#fff;cursor:wait;}',
    '.aaa-widget-foot{margin:0;padding:2px 12px 8px;font-size:12px;color:#4b5563;',
    '  background:#fff;}',
    '.aaa-widget :focus{outline:none;}',
    '.aaa-widget :focus-visible{outline:3px solid #1e40af;outline-offset:2px;}',
    '.aaa-widget-input:focus{outline:3px solid #1e40af;outline-offset:1px;}',
    '.aaa-widget-header :focus-visible{outline-color:#fff;outline-offset:-3px;}',
    '.aaa-widget-bubble:focus-visible{outline:3px solid #1e40af;outline-offset:3px;',
    '  box-shadow:0 0 0 3px #fff;}',
    '.aaa-widget-sr{position:absolute !important;width:1px;height:1px;padding:0;margin:-1px;',
    '  overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0;}',
    '.aaa-widget-dots span{display:inline-block;animation:aaa-widget-blink 1.2s infinite;}',
    '.aaa-widget-dots span:nth-child(2){animation-delay:.2s;}',
    '.aaa-widget-dots span:nth-child(3){animation-delay:.4s;}',
    '@keyframes aaa-widget-blink{0%,80%,100%{opacity:.25;}40%{opacity:1;}}',
    '@media (prefers-reduced-motion:reduce){.aaa-widget-dots span{animation:none;}}'
  ].join('\n');

  var ICON = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z' +
    'm3 6a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z' +
    'm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z';

  // --- building blocks: every node made here, every text set with textContent ---------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function srOnly(text) {
    return el('span', 'aaa-widget-sr', text);
  }

  function isWebUrl(value) {
    if (typeof value !== 'string' || !/^https?:\/\//i.test(value)) return false;
    try {
      var parsed = new URL(value);
      return parsed.protocol === 'http:' || parsed.protocol === 'https:';
    } catch (e) {
      return false;
    }
  }

  function externalLink(href, text) {
    var a = el('a', null, text);
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    return a;
  }

  // http(s) URLs, "www." addresses, e-mail addresses; brackets and quotes end a link
  var LINKS = new RegExp(
    '(?:https?:\\/\\/|www\\.)[^\\s<>"\'()\\[\\]{}]+' +
    '|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}', 'gi');
  var TRAILING = /[.,;:!?]+$/;

  // append ``text`` to ``parent`` as text nodes, with links as anchors (never parsed as HTML)
  function appendLinked(parent, text) {
    var last = 0;
    var match;
    LINKS.lastIndex = 0;
    while ((match = LINKS.exec(text)) !== null) {
      var found = match[0];
      var tail = (found.match(TRAILING) || [''])[0];
      found = found.slice(0, found.length - tail.length);
      var start = match.index;
      if (start > last) parent.appendChild(document.createTextNode(text.slice(last, start)));
      var link = null;
      if (found.indexOf('@') > 0 && !/^(?:https?:\/\/|www\.)/i.test(found)) {
        link = el('a', null, found);
        link.href = 'mailto:' + found;
      } else {
        var href = /^www\./i.test(found) ? 'https://' + found : found;
        if (isWebUrl(href) && found.length > 4) link = externalLink(href, found);
      }
      parent.appendChild(link || document.createTextNode(found));
      last = start + found.length;
      LINKS.lastIndex = last + tail.length;
      if (tail) {
        parent.appendChild(document.createTextNode(tail));
        last += tail.length;
      }
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // the answer text as paragraphs (blank lines) and line breaks, links made clickable
  function appendText(parent, text) {
    String(text || '').split(/\n{2,}/).forEach(function (block) {
      if (!block.trim()) return;
      var p = el('p');
      block.split('\n').forEach(function (line, i) {
        if (i) p.appendChild(el('br'));
        appendLinked(p, line);
      });
      parent.appendChild(p);
    });
  }

  function shorten(text, limit) {
    var clean = String(text || '').replace(/\s+/g, ' ').trim();
    if (clean.length <= limit) return clean;
    var cut = clean.slice(0, limit);
    var space = cut.lastIndexOf(' ');
    return (space > limit * 0.6 ? cut.slice(0, space) : cut).replace(/[\s.,;:]+$/, '') + ' …';
  }

  // one answer of the /widget/ask contract as a message node
  function renderAnswer(data) {
    var lang = data && (data.lang === 'en' || data.lang === 'de') ? data.lang : LANG;
    var strings = STRINGS[lang];
    var msg = el('div', 'aaa-widget-msg aaa-widget-bot');
    msg.setAttribute('lang', lang);
    msg.appendChild(srOnly(T.bot + ' '));
    if (data && data.abstained) {
      msg.className += ' aaa-widget-abstained';
      msg.setAttribute('data-abstained', 'true');
      var badge = el('div', 'aaa-widget-badge', strings.abstained);
      msg.appendChild(badge);
    }
    appendText(msg, data && data.answer);
    if (data && typeof data.notice === 'string' && data.notice) {
      var notice = el('p', 'aaa-widget-notice');
      appendLinked(notice, data.notice);
      msg.appendChild(notice);
    }
    var citations = data && Array.isArray(data.citations) ? data.citations : [];
    if (citations.length) {
      msg.appendChild(el('p', 'aaa-widget-sources-title', strings.sources));
      var list = el('ol', 'aaa-widget-sources');
      citations.forEach(function (c, i) {
        if (!c || typeof c !== 'object') return;
        var item = el('li');
        var n = parseInt(c.n, 10);
        item.value = n > 0 ? n : i + 1;
        var title = String(c.title || c.source || '');
        item.appendChild(isWebUrl(c.url) ? externalLink(c.url, title) : el('span', null, title));
        if (c.snippet) item.appendChild(el('span', 'aaa-widget-snippet',
          '„' + shorten(c.snippet, SNIPPET_CHARS) + '“'));
        list.appendChild(item);
      });
      msg.appendChild(list);
    }
    return msg;
  }

  // --- the widget -------------------------------------------------------------------------

  function build() {
    var host = document.createElement('aaa-widget-root');
    host.setAttribute('data-aaa-widget', '');
    var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
    var style = el('style', null, CSS);
    root.appendChild(style);

    var wrap = el('div', 'aaa-widget');
    wrap.setAttribute('lang', LANG);

    var bubble = el('button', 'aaa-widget-bubble');
    bubble.type = 'button';
    bubble.setAttribute('aria-label', T.open);
    bubble.setAttribute('aria-expanded', 'false');
    bubble.setAttribute('aria-controls', 'aaa-widget-panel');
    var svgNs = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(svgNs, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var path = document.createElementNS(svgNs, 'path');
    path.setAttribute('d', ICON);
    svg.appendChild(path);
    bubble.appendChild(svg);

    var panel = el('div', 'aaa-widget-panel');
    panel.id = 'aaa-widget-panel';
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-label', TITLE);
    panel.hidden = true;

    var header = el('div', 'aaa-widget-header');
    header.appendChild(el('h2', 'aaa-widget-title', TITLE));
    var closeButton = el('button', 'aaa-widget-close', '×');
    closeButton.type = 'button';
    closeButton.setAttribute('aria-label', T.close);
    header.appendChild(closeButton);

    var messages = el('div', 'aaa-widget-messages');
    messages.setAttribute('role', 'log');
    messages.setAttribute('aria-live', 'polite');
    messages.setAttribute('aria-relevant', 'additions');
    messages.setAttribute('tabindex', '0'); // scrollable: reachable by keyboard
    messages.setAttribute('aria-label', T.log);
    var intro = el('div', 'aaa-widget-msg aaa-widget-bot');
    appendText(intro, T.intro);
    messages.appendChild(intro);

    var form = el('form', 'aaa-widget-form');
    form.setAttribute('novalidate', '');
    var label = el('label', 'aaa-widget-label', T.label);
    label.htmlFor = 'aaa-widget-input';
    var row = el('div', 'aaa-widget-row');
    var input = el('textarea', 'aaa-widget-input');
    input.id = 'aaa-widget-input';
    input.rows = 2;
    input.placeholder = T.placeholder;
    input.setAttribute('autocomplete', 'off');
    var send = el('button', 'aaa-widget-send', T.send);
    send.type = 'submit';
    row.appendChild(input);
    row.appendChild(send);
    form.appendChild(label);
    form.appendChild(row);

    panel.appendChild(header);
    panel.appendChild(messages);
    panel.appendChild(form);
    panel.appendChild(el('p', 'aaa-widget-foot', T.foot));
    wrap.appendChild(panel);
    wrap.appendChild(bubble);
    root.appendChild(wrap);
    document.body.appendChild(host);

    var history = []; // the visitor's earlier questions, for follow-ups
    var busy = false;

    function scrollDown() {
      messages.scrollTop = messages.scrollHeight;
    }

    function add(node) {
      messages.appendChild(node);
      scrollDown();
      return node;
    }

    function open() {
      panel.hidden = false;
      bubble.setAttribute('aria-expanded', 'true');
      scrollDown();
      input.focus();
    }

    function close() {
      panel.hidden = true;
      bubble.setAttribute('aria-expanded', 'false');
      bubble.focus();
    }

    function showError(text, detail) {
      var box = el('div', 'aaa-widget-msg aaa-widget-error');
      box.setAttribute('data-error', 'true');
      box.appendChild(el('p', null, text));
      if (detail) box.appendChild(el('p', null, detail));
      add(box);
    }

    function ask(question) {
      busy = true;
      send.disabled = true;
      messages.setAttribute('aria-busy', 'true');
      var mine = el('div', 'aaa-widget-msg aaa-widget-user');
      mine.appendChild(srOnly(T.you + ' '));
      mine.appendChild(document.createTextNode(question));
      add(mine);
      var pending = el('div', 'aaa-widget-msg aaa-widget-bot aaa-widget-pending');
      pending.setAttribute('data-pending', 'true');
      pending.appendChild(srOnly(T.pending));
      var dots = el('span', 'aaa-widget-dots');
      dots.setAttribute('aria-hidden', 'true');
      for (var i = 0; i < 3; i++) dots.appendChild(el('span', null, '.'));
      pending.appendChild(dots);
      add(pending);

      var controller = typeof AbortController === 'function' ? new AbortController() : null;
      var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : 0;
      var earlier = history.slice(-MAX_HISTORY);

      fetch(ASK_URL, {
        method: 'POST',
        mode: 'cors',
        credentials: 'omit',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ question: question, history: earlier }),
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        return response.json().catch(function () { return null; }).then(function (data) {
          return { status: response.status, ok: response.ok, data: data };
        });
      }).then(function (result) {
        pending.remove();
        if (result.ok && result.data && typeof result.data.answer === 'string') {
          history.push(question);
          if (history.length > MAX_HISTORY) history = history.slice(-MAX_HISTORY);
          add(renderAnswer(result.data));
        } else if (result.status === 400 && result.data && result.data.error) {
          showError(T.badQuestion, String(result.data.error));
        } else if (result.status === 403) {
          showError(T.unreachable);
        } else {
          showError(T.failed);
        }
      }).catch(function () {
        pending.remove();
        showError(T.unreachable); // network down, or this page's origin is not allowed (CORS)
      }).then(function () {
        clearTimeout(timer);
        busy = false;
        send.disabled = false;
        messages.removeAttribute('aria-busy');
        if (!panel.hidden) input.focus();
      });
    }

    function submit() {
      var question = input.value.trim();
      if (busy || !question) return;
      input.value = '';
      ask(question);
    }

    bubble.addEventListener('click', function () {
      if (panel.hidden) open(); else close();
    });
    closeButton.addEventListener('click', close);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      submit();
    });
    input.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submit();
      }
    });
    wrap.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' && !panel.hidden) {
        event.preventDefault();
        close();
      }
    });
  }

  if (document.body) build();
  else document.addEventListener('DOMContentLoaded', build);
})();
