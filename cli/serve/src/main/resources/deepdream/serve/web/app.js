'use strict';
// The deepdream page: everything goes through the HTTP API of docs/serve.md.
(function () {
  const $ = (id) => document.getElementById(id);
  const state = { photo: null, layer: null, job: null, events: null, lastParams: null, lastPhoto: null, lastGuide: null };

  function showError(message) {
    const e = $('error');
    e.textContent = message;
    e.hidden = !message;
  }

  async function api(method, url, body) {
    const r = await fetch(url, { method, body, credentials: 'same-origin' });
    let data = null;
    try { data = await r.json(); } catch (ignored) { /* not JSON */ }
    if (!r.ok) throw new Error((data && data.error) || (r.status + ' ' + r.statusText));
    return data;
  }

  // 1. The picture: the file input covers the drop zone, so a drop lands on it like a click-and-choose.
  function usePhoto(file) {
    state.photo = file || null;
    const img = $('photo');
    if (img.src) URL.revokeObjectURL(img.src);
    if (state.photo) {
      img.src = URL.createObjectURL(state.photo);
      img.hidden = false;
      $('drop-text').hidden = true;
    } else {
      img.removeAttribute('src');
      img.hidden = true;
      $('drop-text').hidden = false;
      $('drop-text').textContent = 'Clouds it is. Drop a photo here to dream on it instead.';
    }
  }
  $('file').addEventListener('change', () => usePhoto($('file').files[0]));
  $('drop').addEventListener('dragover', () => $('drop').classList.add('over'));
  $('drop').addEventListener('dragleave', () => $('drop').classList.remove('over'));
  $('drop').addEventListener('drop', () => $('drop').classList.remove('over'));
  $('clouds').addEventListener('click', () => { $('file').value = ''; usePhoto(null); });

  // 2. The layer gallery: thumbnails answer 503 while being made, so retry those until they come.
  function selectLayer(name) {
    state.layer = name;
    $('layer-name').textContent = name;
    for (const b of document.querySelectorAll('.layer')) b.classList.toggle('selected', b.dataset.layer === name);
  }
  function loadThumbnail(img, url, tries) {
    fetch(url, { credentials: 'same-origin' }).then((r) => {
      if (r.ok) return r.blob().then((b) => { img.src = URL.createObjectURL(b); img.classList.remove('wait'); });
      if (r.status === 503 && tries < 600) setTimeout(() => loadThumbnail(img, url, tries + 1), 2000);
      return null;
    }).catch(() => setTimeout(() => loadThumbnail(img, url, tries + 1), 5000));
  }
  async function loadLayers() {
    const data = await api('GET', '/api/layers');
    const box = $('layers');
    box.textContent = '';
    for (const l of data.layers) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'layer';
      b.dataset.layer = l.name;
      b.title = l.name + ' (' + l.channels + ' channels)';
      const img = document.createElement('img');
      img.className = 'wait';
      img.alt = l.name;
      const label = document.createElement('span');
      label.textContent = l.name;
      b.append(img, label);
      b.addEventListener('click', () => selectLayer(l.name));
      box.append(b);
      loadThumbnail(img, l.thumbnail, 0);
    }
    selectLayer(data.default);
  }

  // 3. Parameters: empty fields are left out, so the server's defaults apply.
  function params(newSeed) {
    const p = { layer: state.layer };
    for (const f of ['octaves', 'iterations', 'jitter', 'channel', 'seed', 'maxSize']) {
      const v = $(f).value.trim();
      if (v !== '' && !(f === 'seed' && newSeed)) p[f] = Number(v);
    }
    const step = $('step').value.trim();
    if (step !== '') p.step = Number(step);
    return p;
  }

  async function dream(p, photo, guide) {
    showError('');
    const form = new FormData();
    if (photo) form.append('image', photo, photo.name);
    if (guide) form.append('guide', guide, guide.name);
    form.append('params', JSON.stringify(p));
    $('dream').disabled = true;
    try {
      const job = await api('POST', '/api/jobs', form);
      state.lastParams = p;
      state.lastPhoto = photo;
      state.lastGuide = guide;
      follow(job.id);
    } catch (e) {
      showError(e.message);
      $('dream').disabled = false;
    }
  }

  // 4. Progress: one server-sent event per change of the job.
  function follow(id) {
    state.job = id;
    $('cancel').disabled = false;
    $('download').hidden = true;
    $('again').hidden = true;
    $('result').hidden = true;
    $('preview').hidden = true;
    $('progress').value = 0;
    $('status').textContent = 'Sent.';
    if (state.events) state.events.close();
    const es = new EventSource('/api/jobs/' + id + '/events');
    state.events = es;
    let previews = 0;
    es.addEventListener('status', (ev) => {
      const s = JSON.parse(ev.data);
      if (s.previews > previews && s.preview) {
        previews = s.previews;
        $('preview').src = s.preview;
        $('preview').hidden = false;
      }
      show(s);
      if (s.state === 'done' || s.state === 'failed' || s.state === 'cancelled') {
        es.close();
        finished(s);
      }
    });
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED) $('status').textContent = 'Lost the connection to the server.';
    };
  }

  function show(s) {
    const st = $('status');
    if (s.state === 'queued') {
      st.textContent = 'Waiting in the queue: position ' + s.position + (s.position === 1 ? ' (next)' : '') + '.';
    } else if (s.state === 'running') {
      const eta = s.eta == null ? '' : ', about ' + Math.max(1, Math.round(s.eta)) + ' s left';
      st.textContent = 'Dreaming: octave ' + s.octave + '/' + s.octaves + ', iteration ' + s.iteration + '/' + s.iterations + eta + '.';
      $('progress').value = ((s.octave - 1) * s.iterations + s.iteration) / (s.octaves * s.iterations);
    }
  }

  function finished(s) {
    $('cancel').disabled = true;
    $('dream').disabled = false;
    if (s.state === 'done') {
      $('status').textContent = 'Done (seed ' + s.seed + ').';
      $('progress').value = 1;
      $('result').src = s.result;
      $('result').hidden = false;
      $('download').href = s.result + '?download=1';
      $('download').hidden = false;
      $('again').hidden = false;
      loadGallery();
    } else if (s.state === 'cancelled') {
      $('status').textContent = 'Cancelled.';
    } else {
      $('status').textContent = 'Failed.';
      showError(s.error || 'the dream failed');
    }
  }

  $('dream').addEventListener('click', () => dream(params(false), state.photo, $('guide').files[0]));
  $('again').addEventListener('click', () => {
    const p = Object.assign({}, state.lastParams);
    delete p.seed;
    dream(p, state.lastPhoto, state.lastGuide);
  });
  $('cancel').addEventListener('click', async () => {
    if (!state.job) return;
    $('cancel').disabled = true;
    try { await api('DELETE', '/api/jobs/' + state.job); } catch (e) { showError(e.message); }
  });

  // The gallery of past results (the server's results directory, so it survives restarts).
  async function loadGallery() {
    const data = await api('GET', '/api/results');
    const g = $('gallery');
    g.textContent = '';
    for (const r of data.results) {
      const a = document.createElement('a');
      a.href = r.url;
      a.className = 'past';
      a.title = (r.params.layers || '') + ' seed ' + (r.params.seed || '');
      const img = document.createElement('img');
      img.src = r.url;
      img.alt = 'dream ' + r.id;
      img.loading = 'lazy';
      a.append(img);
      g.append(a);
    }
    if (!data.results.length) g.textContent = 'None yet.';
  }

  loadLayers().catch((e) => showError('cannot list the layers: ' + e.message));
  loadGallery().catch((e) => showError('cannot list past dreams: ' + e.message));
}());
