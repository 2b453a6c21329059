/**
 * The page's script, plain ES2020 for any current browser (no framework, no build step). It is a
 * string served as /assets/app.js; it uses no template literals so it can live in one here.
 * Talks to the API with relative URLs: POST predict?debug=1, GET model, GET health.
 */
export const APP_JS = String.raw`'use strict';
(function () {
  var byId = function (id) { return document.getElementById(id); };
  var pad = byId('pad');
  var ctx = pad.getContext('2d');
  var SIDE = pad.width;
  // About 2 MNIST pixels wide once the drawing is scaled to 28x28, like MNIST's pen.
  var PEN = SIDE / 13;
  var DEBOUNCE_MS = 350;
  var UPLOAD_MAX_SIDE = 560;
  var POLL_MS = 10000;
  var UPDATING = ['Creating', 'Updating', 'SystemUpdating', 'RollingBack'];

  var strokes = [];
  var current = null;
  var timer = 0;
  var seq = 0;
  var shownVersion = null;
  var pollTimer = 0;
  // A drawing the API could not answer for want of a model: sent again once one is live.
  var retryWhenLive = null;

  var undoButton = byId('undo');
  var clearButton = byId('clear');
  var upload = byId('upload');
  var preview = byId('upload-preview');
  var status = byId('status');
  var digit = byId('digit');
  var confidence = byId('confidence');
  var bars = byId('bars');
  var seen = byId('seen');
  var result = byId('result');

  // ---- drawing ----
  function paint() {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, SIDE, SIDE);
    ctx.strokeStyle = '#fff';
    ctx.fillStyle = '#fff';
    ctx.lineWidth = PEN;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    for (var i = 0; i < strokes.length; i++) drawStroke(strokes[i], 0);
    var empty = strokes.length === 0;
    undoButton.disabled = empty;
    clearButton.disabled = empty && preview.hidden;
  }

  function drawStroke(points, from) {
    if (points.length === 1) {
      ctx.beginPath();
      ctx.arc(points[0][0], points[0][1], PEN / 2, 0, 2 * Math.PI);
      ctx.fill();
      return;
    }
    ctx.beginPath();
    var start = Math.max(0, from - 1);
    ctx.moveTo(points[start][0], points[start][1]);
    for (var i = start + 1; i < points.length; i++) ctx.lineTo(points[i][0], points[i][1]);
    ctx.stroke();
  }

  function toCanvas(e) {
    var r = pad.getBoundingClientRect();
    return [(e.clientX - r.left) * SIDE / r.width, (e.clientY - r.top) * SIDE / r.height];
  }

  pad.addEventListener('pointerdown', function (e) {
    if (e.button !== 0 || current) return;
    e.preventDefault();
    pad.setPointerCapture(e.pointerId);
    clearTimeout(timer);
    if (!preview.hidden) hidePreview();
    current = { id: e.pointerId, points: [toCanvas(e)] };
    strokes.push(current.points);
    paint();
  });

  pad.addEventListener('pointermove', function (e) {
    if (!current || e.pointerId !== current.id) return;
    e.preventDefault();
    var events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    if (events.length === 0) events = [e];
    var before = current.points.length;
    for (var i = 0; i < events.length; i++) current.points.push(toCanvas(events[i]));
    ctx.lineWidth = PEN;
    drawStroke(current.points, before);
  });

  function endStroke(e) {
    if (!current || e.pointerId !== current.id) return;
    current = null;
    paint();
    schedule();
  }
  pad.addEventListener('pointerup', endStroke);
  pad.addEventListener('pointercancel', endStroke);

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(sendDrawing, DEBOUNCE_MS);
  }

  function sendDrawing() {
    if (strokes.length === 0) return;
    pad.toBlob(function (blob) {
      if (blob) send(blob, 'image/png');
    }, 'image/png');
  }

  undoButton.addEventListener('click', undo);
  function undo() {
    if (strokes.length === 0) return;
    strokes.pop();
    paint();
    if (strokes.length === 0) reset('Draw a digit to begin.');
    else schedule();
  }

  clearButton.addEventListener('click', function () {
    strokes = [];
    hidePreview();
    upload.value = '';
    paint();
    reset('Draw a digit to begin.');
  });

  document.addEventListener('keydown', function (e) {
    if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'z' && e.target !== upload) {
      e.preventDefault();
      undo();
    }
  });

  // ---- upload: any image the browser can decode, scaled down and sent as PNG ----
  upload.addEventListener('change', function () {
    var file = upload.files && upload.files[0];
    if (!file) return;
    strokes = [];
    paint();
    clearTimeout(timer);
    if (preview.src) URL.revokeObjectURL(preview.src);
    preview.src = URL.createObjectURL(file);
    preview.alt = 'Uploaded image: ' + file.name;
    preview.hidden = false;
    clearButton.disabled = false;
    showStatus('Reading ' + file.name + '…');
    toPng(file).then(function (png) { send(png, 'image/png'); }, function () {
      reset('');
      showStatus('Your browser could not read ' + file.name + ' as an image. Try a PNG or JPEG.', true);
    });
  });

  function toPng(file) {
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, UPLOAD_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      var c = canvas.getContext('2d');
      c.fillStyle = '#fff';
      c.fillRect(0, 0, canvas.width, canvas.height);
      c.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      return new Promise(function (resolve, reject) {
        canvas.toBlob(function (blob) { if (blob) resolve(blob); else reject(new Error('no PNG')); }, 'image/png');
      });
    });
  }

  function hidePreview() {
    if (preview.src) URL.revokeObjectURL(preview.src);
    preview.removeAttribute('src');
    preview.hidden = true;
  }

  // ---- asking the API ----
  var lastRequest = null;
  function send(body, type) {
    var mine = ++seq;
    lastRequest = { body: body, type: type };
    retryWhenLive = null;
    result.setAttribute('aria-busy', 'true');
    showStatus('Asking the model…');
    fetch('predict?debug=1', { method: 'POST', headers: { 'Content-Type': type }, body: body })
      .then(readJson)
      .then(function (r) {
        if (mine !== seq) return;
        if (r.ok) showPrediction(r.doc);
        else showFailure(r);
      }, function (e) {
        if (mine !== seq) return;
        reset('');
        showStatus('Could not reach the API (' + e.message + '). Check your connection and try again.', true);
      })
      .then(function () { if (mine === seq) result.setAttribute('aria-busy', 'false'); });
  }

  function readJson(res) {
    return res.text().then(function (text) {
      var doc = null;
      try { doc = JSON.parse(text); } catch (e) { doc = null; }
      return { ok: res.ok, status: res.status, doc: doc };
    });
  }

  function errorOf(r) {
    var e = r.doc && r.doc.error;
    return { code: (e && e.code) || 'HTTP_' + r.status, message: (e && e.message) || 'the API answered ' + r.status };
  }

  function showPrediction(doc) {
    var probs = doc.probabilities || [];
    digit.textContent = String(doc.digit);
    confidence.textContent = pct(doc.confidence) + ' sure it is a ' + doc.digit + '.';
    renderBars(probs, doc.digit);
    if (doc.input && doc.input.png) {
      seen.src = doc.input.png;
      seen.hidden = false;
    }
    showStatus('Answered by model ' + ((doc.model && doc.model.version) || 'unknown') + '.');
    if (doc.model && doc.model.version !== shownVersion) loadModel();
  }

  function showFailure(r) {
    var e = errorOf(r);
    reset('');
    if (r.status === 503) {
      retryWhenLive = lastRequest;
      showStatus('No model can answer yet: ' + e.message + '. Your drawing is sent again as soon as a model is live.', true);
      loadModel();
    } else if (r.status === 429) {
      showStatus('Too many requests right now; wait a moment and draw again.', true);
    } else {
      showStatus('The API could not read this image: ' + e.message + ' (' + e.code + ').', true);
    }
  }

  function reset(message) {
    seq++;
    retryWhenLive = null;
    result.setAttribute('aria-busy', 'false');
    digit.textContent = '?';
    confidence.textContent = '';
    renderBars([], -1);
    seen.hidden = true;
    seen.removeAttribute('src');
    if (message) showStatus(message);
  }

  function showStatus(message, isError) {
    status.textContent = message;
    status.classList.toggle('error', Boolean(isError));
  }

  function renderBars(probs, top) {
    bars.textContent = '';
    for (var d = 0; d < 10; d++) {
      var p = typeof probs[d] === 'number' ? probs[d] : 0;
      var li = document.createElement('li');
      if (d === top) li.className = 'top';
      var label = document.createElement('span');
      label.textContent = String(d);
      var bar = document.createElement('span');
      bar.className = 'bar';
      bar.setAttribute('aria-hidden', 'true');
      var fill = document.createElement('span');
      fill.className = 'fill';
      fill.style.width = (100 * p).toFixed(1) + '%';
      bar.appendChild(fill);
      var value = document.createElement('span');
      value.className = 'pct';
      value.textContent = probs.length ? pct(p) : '–';
      li.appendChild(label);
      li.appendChild(bar);
      li.appendChild(value);
      bars.appendChild(li);
    }
  }

  function pct(p) {
    var v = 100 * p;
    return (v >= 99.95 || v < 0.05 ? v.toFixed(0) : v.toFixed(1)) + '%';
  }

  // ---- the model panel ----
  var modelSection = byId('model');
  var modelStatus = byId('model-status');
  var facts = byId('model-facts');
  var report = byId('model-report');
  var perClassReport = byId('per-class-report');

  function loadModel() {
    clearTimeout(pollTimer);
    Promise.all([fetch('model').then(readJson), fetch('health').then(readJson).catch(function () { return null; })])
      .then(function (answers) {
        var model = answers[0];
        var health = answers[1];
        var endpoint = health && health.ok && health.doc && health.doc.endpoint;
        var updating = endpoint && UPDATING.indexOf(endpoint.status) >= 0;
        modelSection.setAttribute('aria-busy', 'false');
        if (model.ok) {
          renderModel(model.doc);
          if (updating) {
            setModelStatus('The endpoint is ' + endpoint.status + ': a new model is being rolled out; answers come from the model below until it finishes.', false);
          } else {
            setModelStatus('', false);
          }
          if (retryWhenLive) send(retryWhenLive.body, retryWhenLive.type);
        } else if (model.status === 503) {
          shownVersion = null;
          facts.hidden = true;
          report.hidden = true;
          perClassReport.hidden = true;
          var why = updating
            ? 'The endpoint is ' + endpoint.status + ': the first model is being deployed and will answer in a few minutes.'
            : 'No model is deployed yet. Once a training job finishes and passes the quality gate, it appears here.';
          setModelStatus(why + ' This page checks again every ' + POLL_MS / 1000 + ' s.', false);
        } else {
          setModelStatus('Could not read the live model: ' + errorOf(model).message + '.', true);
        }
        if (!model.ok || updating) pollTimer = setTimeout(loadModel, POLL_MS);
      }, function (e) {
        modelSection.setAttribute('aria-busy', 'false');
        setModelStatus('Could not reach the API (' + e.message + '); retrying.', true);
        pollTimer = setTimeout(loadModel, POLL_MS);
      });
  }

  function setModelStatus(message, isError) {
    modelStatus.textContent = message;
    modelStatus.hidden = !message;
    modelStatus.classList.toggle('error', Boolean(isError));
  }

  function renderModel(m) {
    shownVersion = m.version || m.trainingJobName || null;
    var metrics = m.metrics || {};
    var accuracy = typeof metrics.test_accuracy === 'number' ? metrics.test_accuracy : m.testAccuracy;
    facts.textContent = '';
    addFact('Version', shownVersion || 'unknown');
    addFact('Trained at', when(m.trainedAt));
    addFact('Deployed at', when(m.deployedAt));
    addFact('Test accuracy', typeof accuracy === 'number' ? (100 * accuracy).toFixed(2) + '%' : 'not recorded');
    if (m.dataset) addFact('Data', m.dataset + (m.datasetVersion ? ' (' + String(m.datasetVersion).slice(0, 12) + ')' : ''));
    if (m.evaluation && m.evaluation.testRows) addFact('Test images', m.evaluation.testRows.toLocaleString());
    facts.hidden = false;
    var ev = m.evaluation;
    if (ev && Array.isArray(ev.perClassAccuracy) && Array.isArray(ev.confusionMatrix)) {
      renderPerClass(ev.perClassAccuracy);
      renderConfusion(ev.confusionMatrix);
      report.hidden = false;
      perClassReport.hidden = false;
    } else {
      report.hidden = true;
      perClassReport.hidden = true;
      addFact('Per-digit report', 'not recorded for this model');
    }
  }

  function addFact(name, value) {
    var dt = document.createElement('dt');
    dt.textContent = name;
    var dd = document.createElement('dd');
    dd.textContent = value;
    facts.appendChild(dt);
    facts.appendChild(dd);
  }

  function when(iso) {
    if (!iso) return 'not recorded';
    var d = new Date(iso);
    return isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
  }

  function renderPerClass(acc) {
    var table = byId('per-class');
    table.textContent = '';
    var head = table.createTHead().insertRow();
    cell(head, 'th', 'Digit').scope = 'col';
    cell(head, 'th', 'Test accuracy').scope = 'col';
    var body = table.createTBody();
    for (var d = 0; d < acc.length; d++) {
      var row = body.insertRow();
      cell(row, 'th', String(d)).scope = 'row';
      cell(row, 'td', (100 * acc[d]).toFixed(1) + '%');
    }
  }

  function renderConfusion(matrix) {
    var table = byId('confusion');
    table.textContent = '';
    var head = table.createTHead().insertRow();
    cell(head, 'td', '');
    for (var c = 0; c < matrix.length; c++) cell(head, 'th', String(c)).scope = 'col';
    var body = table.createTBody();
    for (var r = 0; r < matrix.length; r++) {
      var row = body.insertRow();
      cell(row, 'th', String(r)).scope = 'row';
      var total = matrix[r].reduce(function (a, b) { return a + b; }, 0) || 1;
      for (var k = 0; k < matrix[r].length; k++) {
        var n = matrix[r][k];
        var td = cell(row, 'td', String(n));
        var share = n / total;
        // Square-root scale so a handful of mistakes still shows; diagonal blue, mistakes red.
        var strength = n === 0 ? 0 : Math.max(0.08, Math.sqrt(share));
        var hue = r === k ? 215 : 5;
        var light = 97 - strength * 62;
        td.style.backgroundColor = 'hsl(' + hue + ', 70%, ' + light.toFixed(0) + '%)';
        td.style.color = light < 60 ? '#fff' : '#1b1b1b';
        td.title = n + ' of ' + total + ' true ' + r + 's answered ' + k;
      }
    }
  }

  function cell(row, tag, text) {
    var el = document.createElement(tag);
    el.textContent = text;
    row.appendChild(el);
    return el;
  }

  paint();
  renderBars([], -1);
  loadModel();
})();
`;
