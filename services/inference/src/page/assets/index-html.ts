/**
 * The draw-a-digit page. Markup only: styles and script are served from assets/ (same origin),
 * so the page runs under a CSP without 'unsafe-inline'. URLs are relative to the page, so the
 * page works wherever the API is mounted. `{{app.css}}` / `{{app.js}}` become versioned URLs.
 */
export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Draw a digit</title>
<meta name="description" content="Draw a digit and see what the live MNIST model thinks it is.">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{{app.css}}">
<script src="{{app.js}}" defer></script>
</head>
<body>
<header>
  <h1>Draw a digit</h1>
  <p>Draw one digit, 0 to 9, in the square with a mouse, pen or finger. The live model answers when you lift the pen.</p>
</header>
<main>
  <section class="panel" aria-labelledby="draw-heading">
    <h2 id="draw-heading">Your digit</h2>
    <canvas id="pad" width="280" height="280" role="img" aria-label="Drawing area: draw a digit here with a mouse, pen or finger"></canvas>
    <div class="tools">
      <button id="undo" type="button" aria-keyshortcuts="Control+Z" disabled>Undo stroke</button>
      <button id="clear" type="button" disabled>Clear</button>
    </div>
    <div class="upload">
      <label for="upload">Or upload an image (a photo or scan of one digit)</label>
      <input id="upload" type="file" accept="image/*">
      <img id="upload-preview" alt="" hidden>
    </div>
  </section>

  <section id="result" class="panel" aria-labelledby="result-heading" aria-busy="false">
    <h2 id="result-heading">The model thinks</h2>
    <p id="status" class="status" role="status" aria-live="polite">Draw a digit to begin.</p>
    <div class="answer">
      <output id="digit" for="pad upload" aria-label="Predicted digit">?</output>
      <figure class="seen">
        <img id="seen" width="112" height="112" alt="The 28 by 28 image the model saw" hidden>
        <figcaption>What the model saw: your image, cropped, centred and scaled to 28×28.</figcaption>
      </figure>
    </div>
    <p id="confidence" class="confidence"></p>
    <ol id="bars" class="bars" aria-label="Probability of each digit"></ol>
    <div id="correction" class="correction" hidden>
      <span id="correction-prompt">Wrong? It is a:</span>
      <span id="correction-digits" class="digits" role="group" aria-labelledby="correction-prompt">
      <button type="button" data-digit="0" aria-keyshortcuts="0">0</button>
      <button type="button" data-digit="1" aria-keyshortcuts="1">1</button>
      <button type="button" data-digit="2" aria-keyshortcuts="2">2</button>
      <button type="button" data-digit="3" aria-keyshortcuts="3">3</button>
      <button type="button" data-digit="4" aria-keyshortcuts="4">4</button>
      <button type="button" data-digit="5" aria-keyshortcuts="5">5</button>
      <button type="button" data-digit="6" aria-keyshortcuts="6">6</button>
      <button type="button" data-digit="7" aria-keyshortcuts="7">7</button>
      <button type="button" data-digit="8" aria-keyshortcuts="8">8</button>
      <button type="button" data-digit="9" aria-keyshortcuts="9">9</button>
      </span>
    </div>
    <p id="correction-status" class="status" role="status" aria-live="polite"></p>
  </section>

  <section id="model" class="panel" aria-labelledby="model-heading" aria-busy="true">
    <h2 id="model-heading">The live model</h2>
    <p id="model-status" class="status" role="status" aria-live="polite">Asking the API which model is live…</p>
    <div class="model-body">
      <dl id="model-facts" class="facts" hidden></dl>
      <div id="reference-report" hidden>
        <h3 id="reference-heading">Reference accuracy per digit</h3>
        <p id="reference-set" class="hint"></p>
        <table id="reference-per-class" class="per-class" aria-labelledby="reference-heading"></table>
      </div>
      <div id="per-class-report" hidden>
        <h3 id="per-class-heading">Accuracy per digit on the dataset's own test split</h3>
        <table id="per-class" class="per-class" aria-labelledby="per-class-heading"></table>
      </div>
      <div id="model-report" hidden>
        <h3 id="confusion-heading">Confusion matrix</h3>
        <p class="hint">Rows are the true digit, columns what the model answered; each cell counts test-set images. Darker means a larger share of its row: blue on the diagonal is right, red off it a mistake.</p>
        <div class="scroll"><table id="confusion" class="confusion" aria-labelledby="confusion-heading"></table></div>
      </div>
      <div id="learning-report" hidden>
        <h3 id="learning-heading">Learning from corrections</h3>
        <dl id="learning-facts" class="facts"></dl>
        <h3 id="history-heading">Model history</h3>
        <p class="hint">Each trained model, newest first: what it learned from, its scores, and whether the quality gate deployed it or kept the live model, and why.</p>
        <div class="scroll"><table id="history" class="history" aria-labelledby="history-heading"></table></div>
      </div>
      <div id="drift-report" hidden>
        <h3>Drift of what it is asked</h3>
      </div>
    </div>
  </section>
</main>
<footer><p>Your drawing is sent to <code>POST /predict</code> and not kept. A small sample of the 28×28 images the model sees (5% by default) is kept for 30 days, without the drawing itself or your address, to check the model still sees digits like the ones it learned from.</p>
<p id="correction-privacy">When you correct an answer ("Wrong? It is a …"), this is stored: the 28×28 image the model saw (not your drawing or upload), the digit you chose, the model's answer and version, and the time. No IP address or anything else about you. It waits until a training learns from it and then stays in the corrections dataset trainings use; it is deleted a year after it was sent or learned from (365 days by default, set per stage: see the README).</p></footer>
</body>
</html>
`;
