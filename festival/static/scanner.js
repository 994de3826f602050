/* The gate scanner (templates/checkin/scanner.html).
 *
 * Online, every scan (camera or typed) goes to the server, whose answer is shown as is. When the
 * browser is offline or the server cannot be reached, a QR payload is verified here with the
 * tenant's Ed25519 public key (WebCrypto), refused at once if forged or another tenant's, and
 * queued in localStorage with the device's time; a typed code cannot be verified and is queued
 * unchecked. The queue is sent to the sync endpoint when the connection is back.
 * Every sentence shown comes from the page's JSON block (translated on the server).
 */
(function () {
  'use strict';

  var data = JSON.parse(document.getElementById('scanner-data').textContent);
  var T = data.text;
  var PREFIX = 'LNT1';
  var BATCH = 500;            // the sync endpoint's limit per request
  var SEEN_FOR_MS = 24 * 3600 * 1000;  // a ticket is for one night
  var RETRY_MS = 10000;
  var COUNTS_MS = 30000;
  var TONES = {
    admitted: 'ok', accepted_offline: 'pending', queued: 'warn', wrong_slot: 'warn',
    conflict: 'warn', already_used: 'stop', repeat_offline: 'stop', void: 'stop',
    unknown: 'stop', forged: 'stop', foreign: 'stop', refused: 'stop'
  };

  var el = function (id) { return document.getElementById(id); };
  var resultBox = el('result');

  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, name) {
      return values[name] === undefined || values[name] === null ? '' : String(values[name]);
    });
  }

  // --- storage: the device id, the queue, the codes this device has let in ----------------------

  function load(key, fallback) {
    try {
      var value = JSON.parse(localStorage.getItem(key));
      return value === null ? fallback : value;
    } catch (_e) {
      return fallback;
    }
  }

  function save(key, value) { localStorage.setItem(key, JSON.stringify(value)); }

  function randomHex(bytes) {
    var values = crypto.getRandomValues(new Uint8Array(bytes));
    return Array.prototype.map.call(values, function (b) { return b.toString(16).padStart(2, '0'); }).join('');
  }

  function deviceId() {
    var id = localStorage.getItem('lantern.device');
    if (!id) {
      id = 'web-' + randomHex(12);
      localStorage.setItem('lantern.device', id);
    }
    return id;
  }

  var device = deviceId();

  function queue() { return load(data.queueKey, []); }

  function enqueue(code, offlineResult) {
    var items = queue();
    items.push({ id: randomHex(8), code: code, scanned_at: new Date().toISOString(),
                 offline_result: offlineResult });
    save(data.queueKey, items);
    showQueue();
  }

  function seen() {
    var now = Date.now();
    var codes = load(data.seenKey, {});
    Object.keys(codes).forEach(function (code) {
      if (now - codes[code] > SEEN_FOR_MS) { delete codes[code]; }
    });
    return codes;
  }

  function remember(code) {
    if (!code) { return; }
    var codes = seen();
    codes[code] = Date.now();
    save(data.seenKey, codes);
  }

  // --- what the gate staff sees --------------------------------------------------------------

  function show(result, headline, detail) {
    resultBox.className = 'scan-result ' + (TONES[result] || 'stop');
    resultBox.dataset.result = result;
    el('result-headline').textContent = headline;
    el('result-detail').textContent = detail || '';
  }

  function showCounts(counts) {
    if (!counts) { return; }
    el('count-gate').textContent = counts.gate;
    el('count-night').textContent = counts.night;
  }

  function showQueue() {
    var count = queue().length;
    var line = el('queue');
    line.dataset.count = String(count);
    line.textContent = fmt(T.queueLength, { count: count });
  }

  function showConnection() {
    var line = el('connection');
    line.className = 'connection ' + (navigator.onLine ? 'online' : 'offline');
    line.textContent = navigator.onLine ? T.online : T.offline;
  }

  function fillList(listId, titleId, lines) {
    var list = el(listId);
    list.replaceChildren.apply(list, lines.map(function (text) {
      var item = document.createElement('li');
      item.textContent = text;
      return item;
    }));
    el(titleId).hidden = lines.length === 0;
  }

  function showConflicts(conflicts) {
    fillList('conflicts', 'conflicts-title', (conflicts || []).map(function (c) {
      return fmt(T.conflictLine, { code: c.code, gates: (c.gates || []).join(', '), at: c.at });
    }));
  }

  // --- the server ---------------------------------------------------------------------------

  /* The answer, or null when the server cannot be reached (network error or a 5xx on the way). */
  function send(method, url, body) {
    var options = { method: method, credentials: 'same-origin',
                    headers: { Accept: 'application/json', 'X-CSRFToken': data.csrfToken } };
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      if (response.status >= 500) { return null; }
      if (response.redirected) {  // to the sign-in page: the session has ended
        return { ok: false, status: 401, body: { message: T.signedOut } };
      }
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { ok: response.ok, status: response.status, body: json };
      });
    }, function () { return null; });
  }

  function refusalMessage(answer) {
    var error = answer.body && answer.body.error;
    return (error && (error.message || error)) || (answer.body && answer.body.message) ||
      fmt(T.refusedDetail, { status: answer.status });
  }

  function refreshCounts() {
    if (!navigator.onLine) { return Promise.resolve(); }
    return send('GET', data.urls.counts).then(function (answer) {
      if (answer && answer.ok) {
        showCounts(answer.body.counts);
        showConflicts(answer.body.conflicts);
      }
    });
  }

  // --- offline checks: the QR signature, with the tenant's public key -------------------------

  function fromBase64Url(text) {
    var base64 = text.replace(/-/g, '+').replace(/_/g, '/');
    base64 += '='.repeat((4 - (base64.length % 4)) % 4);
    var binary = atob(base64);  // throws on anything that is not base64
    return Uint8Array.from(binary, function (c) { return c.charCodeAt(0); });
  }

  var publicKey = null;
  function key() {
    publicKey = publicKey || crypto.subtle.importKey(
      'raw', fromBase64Url(data.publicKey), { name: 'Ed25519' }, false, ['verify']);
    return publicKey;
  }

  /* 'forged', 'foreign' or the ticket code of a payload signed with the tenant's key. */
  function verifyPayload(text) {
    var parts = text.split('.');
    if (parts.length !== 4 || parts[0] !== PREFIX) { return Promise.resolve({ refusal: 'forged' }); }
    if (parts[1] !== data.tenant) { return Promise.resolve({ refusal: 'foreign' }); }
    if (!data.publicKey) { return Promise.resolve({ refusal: 'forged' }); }
    var signature;
    try {
      signature = fromBase64Url(parts[3]);
    } catch (_e) {
      return Promise.resolve({ refusal: 'forged' });
    }
    var message = new TextEncoder().encode(parts.slice(0, 3).join('.'));
    return key().then(function (publicKeyObject) {
      return crypto.subtle.verify({ name: 'Ed25519' }, publicKeyObject, signature, message);
    }).then(function (valid) {
      return valid ? { code: parts[2] } : { refusal: 'forged' };
    }, function () {
      return { refusal: 'forged' };
    });
  }

  function isPayload(text) { return text.toUpperCase().indexOf(PREFIX + '.') === 0; }

  function typedCode(text) { return text.replace(/[\s-]+/g, '').toUpperCase(); }

  function scanOffline(text) {
    var checked = isPayload(text) ? verifyPayload(text) : Promise.resolve({ code: typedCode(text), typed: true });
    return checked.then(function (reading) {
      if (reading.refusal === 'forged') { return show('forged', T.forged, T.forgedDetail); }
      if (reading.refusal === 'foreign') { return show('foreign', T.foreign, T.foreignDetail); }
      if (seen()[reading.code]) {
        return show('repeat_offline', T.offlineRepeat, fmt(T.offlineRepeatDetail, { code: reading.code }));
      }
      remember(reading.code);
      if (reading.typed) {
        enqueue(reading.code, 'queued');
        return show('queued', T.queued, fmt(T.queuedDetail, { code: reading.code }));
      }
      enqueue(text, 'admitted');
      return show('accepted_offline', T.offlineAdmitted, fmt(T.offlineAdmittedDetail, { code: reading.code }));
    });
  }

  // --- one scan: the server's answer, else the offline check ----------------------------------

  function scan(raw) {
    var text = raw.trim();
    if (!text) { return Promise.resolve(show('refused', T.empty, '')); }
    resultBox.classList.add('busy');
    var online = navigator.onLine ? send('POST', data.urls.scan, { code: text, device: device })
      : Promise.resolve(null);
    return online.then(function (answer) {
      if (answer === null) { return scanOffline(text); }
      if (!answer.ok) { return show('refused', T.refused, refusalMessage(answer)); }
      var body = answer.body;
      if (body.result === 'admitted' && body.ticket) { remember(body.ticket.code); }
      show(body.result, body.headline, body.detail);
      showCounts(body.counts);
      return undefined;
    }).finally(function () {
      resultBox.classList.remove('busy');
      syncSoon();
    });
  }

  var pending = Promise.resolve();
  function enqueueScan(raw) {  // one at a time, in the order they were made
    pending = pending.then(function () { return scan(raw); }, function () { return scan(raw); });
    return pending;
  }

  // --- synchronisation of the queue -----------------------------------------------------------

  var syncing = false;
  function sync() {
    var batch = queue().slice(0, BATCH);
    if (syncing || !navigator.onLine || batch.length === 0) { return Promise.resolve(); }
    syncing = true;
    el('sync-status').textContent = T.syncing;
    var scans = batch.map(function (item) {
      return { code: item.code, scanned_at: item.scanned_at, offline_result: item.offline_result };
    });
    return send('POST', data.urls.sync, { device: device, scans: scans }).then(function (answer) {
      if (answer === null) {
        el('sync-status').textContent = T.syncFailed;
        return false;
      }
      if (!answer.ok) {  // kept: a scan is never thrown away
        el('sync-status').textContent = refusalMessage(answer);
        return false;
      }
      var sent = {};
      batch.forEach(function (item) { sent[item.id] = true; });
      save(data.queueKey, queue().filter(function (item) { return !sent[item.id]; }));
      showQueue();
      reportSync(batch, answer.body.results || []);
      showCounts(answer.body.counts);
      return true;
    }).then(function (done) {
      syncing = false;
      if (done) {
        refreshCounts();
        if (queue().length) { sync(); }
      }
    }, function () { syncing = false; });
  }

  function reportSync(batch, results) {
    var admitted = 0;
    var lines = [];
    results.forEach(function (result, index) {
      if (result.result === 'admitted') { admitted += 1; return; }
      var code = (result.ticket && result.ticket.code) || (batch[index] && batch[index].code) || '';
      lines.push(fmt(T.reportLine, { code: code, headline: result.headline, detail: result.detail }));
    });
    el('sync-status').textContent = fmt(T.synced, { count: admitted });
    var previous = Array.prototype.map.call(el('sync-report').children, function (li) { return li.textContent; });
    fillList('sync-report', 'report-title', lines.concat(previous).slice(0, 50));
  }

  var syncTimer = null;
  function syncSoon() {
    if (syncTimer === null && queue().length && navigator.onLine) {
      syncTimer = setTimeout(function () { syncTimer = null; sync(); }, 500);
    }
  }

  // --- the camera -----------------------------------------------------------------------------

  /* The camera's frames are read with jsQR, a few times a second: chosen over ZXing's browser
     reader, which missed about one code in ten of our ticket QR codes in clean frames (tested). */
  var SCAN_EVERY_MS = 150;
  var SCAN_WIDTH = 640;       // frames are read at most this wide: enough for a code, cheap on a phone
  var camera = null;          // {stream, timer} while the camera is on; 'starting' while asked for
  var frameCanvas = document.createElement('canvas');
  var frameContext = frameCanvas.getContext('2d', { willReadFrequently: true });
  var lastRead = { text: '', at: 0 };

  /* A code is read many times a second while it stays in view: scan it once, and again only
     after it has been out of view for a moment (shown a second time on purpose). */
  function onCameraText(text) {
    var now = Date.now();
    var same = text === lastRead.text && now - lastRead.at < 3000;
    lastRead = { text: text, at: now };
    if (!same) { enqueueScan(text); }
  }

  function readFrame() {
    var video = el('camera');
    if (video.readyState < 2 || !video.videoWidth) { return; }  // no frame yet
    var scale = Math.min(1, SCAN_WIDTH / video.videoWidth);
    var width = Math.round(video.videoWidth * scale);
    var height = Math.round(video.videoHeight * scale);
    frameCanvas.width = width;
    frameCanvas.height = height;
    frameContext.drawImage(video, 0, 0, width, height);
    var code = window.jsQR(frameContext.getImageData(0, 0, width, height).data, width, height,
                           { inversionAttempts: 'dontInvert' });
    if (code && code.data) { onCameraText(code.data); }
  }

  function startCamera() {
    var status = el('camera-status');
    var video = el('camera');
    if (!window.jsQR || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      status.textContent = T.cameraFailed;
      return;
    }
    camera = 'starting';
    status.textContent = T.cameraStarting;
    video.hidden = false;
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        return video.play().then(function () {
          camera = { stream: stream, timer: setInterval(readFrame, SCAN_EVERY_MS) };
          status.textContent = T.cameraOn;
          el('camera-toggle').textContent = T.cameraStop;
        }, function (error) {
          stream.getTracks().forEach(function (track) { track.stop(); });
          throw error;
        });
      })
      .catch(function () {
        camera = null;
        video.srcObject = null;
        video.hidden = true;
        status.textContent = T.cameraFailed;
      });
  }

  function stopCamera() {
    if (camera && camera !== 'starting') {
      clearInterval(camera.timer);
      camera.stream.getTracks().forEach(function (track) { track.stop(); });
    }
    camera = null;
    el('camera').srcObject = null;
    el('camera').hidden = true;
    el('camera-status').textContent = '';
    el('camera-toggle').textContent = T.cameraStart;
  }

  // --- wiring ---------------------------------------------------------------------------------

  el('code-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var input = el('code');
    var text = input.value;
    input.value = '';
    input.focus();
    enqueueScan(text);
  });
  el('camera-toggle').addEventListener('click', function () {
    if (camera === 'starting') { return; }  // the browser is still asking for the camera
    if (camera) { stopCamera(); } else { startCamera(); }
  });
  window.addEventListener('online', function () { showConnection(); sync(); refreshCounts(); });
  window.addEventListener('offline', showConnection);
  setInterval(sync, RETRY_MS);
  setInterval(refreshCounts, COUNTS_MS);

  showConnection();
  showQueue();
  refreshCounts().then(sync);
}());
