// Stego-eHealth clinic viewer: the worklist's comparison picker, and the X-ray canvas (window/level on the full
// bit depth, zoom, pan, invert, 1:1; two viewports keep zoom and pan in step).
(function () {
  'use strict';

  // --- worklist: pick two studies to compare (rows may arrive live, so listen on the document)
  document.addEventListener('change', function (e) {
    if (!e.target.classList || !e.target.classList.contains('pick')) return;
    var picked = document.querySelectorAll('input.pick:checked');
    var button = document.getElementById('compare');
    if (button) button.disabled = picked.length !== 2;
  });
  document.addEventListener('click', function (e) {
    if (e.target.id !== 'compare') return;
    var picked = document.querySelectorAll('input.pick:checked');
    if (picked.length === 2) {
      location.href = '/compare?a=' + encodeURIComponent(picked[0].value) + '&b=' + encodeURIComponent(picked[1].value);
    }
  });

  // --- worklist: say whether live arrivals are connected
  function live(state) {
    document.body.dataset.live = state;
    document.querySelectorAll('.live').forEach(function (e) { e.classList.toggle('off', state !== 'open'); });
  }
  document.addEventListener('htmx:sseOpen', function () { live('open'); });
  document.addEventListener('htmx:sseError', function () { live('closed'); });
  document.addEventListener('htmx:sseMessage', function () {
    var total = document.getElementById('total');
    if (total) total.textContent = String(+total.textContent + 1);
  });

  var viewers = [];

  function Viewer(section, canvas) {
    this.section = section;
    this.canvas = canvas;
    this.w = +canvas.dataset.width;
    this.h = +canvas.dataset.height;
    this.channels = +canvas.dataset.channels;
    this.max = Math.pow(2, +canvas.dataset.bits) - 1;
    this.invert = false;
    this.tool = 'wl';
    this.zoom = 1;
    this.panX = 0;
    this.panY = 0;
    this.draws = 0;
    this.image = document.createElement('canvas');
    this.image.width = this.w;
    this.image.height = this.h;
  }

  Viewer.prototype.load = function () {
    var self = this;
    return fetch(this.canvas.dataset.src, {credentials: 'same-origin'})
      .then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.arrayBuffer();
      })
      .then(function (buf) {
        var view = new DataView(buf);
        var n = buf.byteLength / 2;
        self.samples = new Uint16Array(n);
        for (var i = 0; i < n; i++) self.samples[i] = view.getUint16(2 * i, true);
        self.histogram();
        self.preset('auto');
        self.fit();
        self.bind();
      })
      .catch(function (err) {
        self.canvas.dataset.error = String(err);
      });
  };

  Viewer.prototype.histogram = function () {
    var sorted = Array.prototype.slice.call(this.samples.length > 262144 ? sample(this.samples, 262144) : this.samples);
    sorted.sort(function (a, b) { return a - b; });
    var q = function (p) { return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]; };
    this.p1 = q(0.01); this.p50 = q(0.5); this.p85 = q(0.85); this.p99 = q(0.99);
  };

  function sample(a, n) {
    var out = new Uint16Array(n), step = a.length / n;
    for (var i = 0; i < n; i++) out[i] = a[Math.floor(i * step)];
    return out;
  }

  Viewer.prototype.preset = function (name) {
    var range = Math.max(1, this.p99 - this.p1);
    if (name === 'full') { this.ww = this.max + 1; this.wc = (this.max + 1) / 2; }
    else if (name === 'auto') { this.ww = range; this.wc = (this.p1 + this.p99) / 2; }
    else if (name === 'soft') { this.ww = range * 0.5; this.wc = this.p50; }
    else if (name === 'bone') { this.ww = range * 0.4; this.wc = this.p85; }
    this.render();
  };

  // samples -> 8-bit RGBA through a lookup table over the whole sample range
  Viewer.prototype.render = function () {
    var lut = new Uint8ClampedArray(this.max + 1);
    var lo = this.wc - this.ww / 2, scale = 255 / Math.max(1, this.ww);
    for (var v = 0; v <= this.max; v++) {
      var x = (v - lo) * scale;
      x = x < 0 ? 0 : x > 255 ? 255 : x;
      lut[v] = this.invert ? 255 - x : x;
    }
    var ctx = this.image.getContext('2d');
    var data = ctx.createImageData(this.w, this.h);
    var px = data.data, s = this.samples, c = this.channels, n = this.w * this.h;
    for (var i = 0; i < n; i++) {
      var o = 4 * i;
      if (c >= 3) { px[o] = lut[s[3 * i]]; px[o + 1] = lut[s[3 * i + 1]]; px[o + 2] = lut[s[3 * i + 2]]; }
      else { var g = lut[s[i]]; px[o] = g; px[o + 1] = g; px[o + 2] = g; }
      px[o + 3] = 255;
    }
    ctx.putImageData(data, 0, 0);
    this.draw();
  };

  Viewer.prototype.draw = function () {
    var ctx = this.canvas.getContext('2d');
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.imageSmoothingEnabled = this.zoom < 1;
    ctx.setTransform(this.zoom, 0, 0, this.zoom, this.panX, this.panY);
    ctx.drawImage(this.image, 0, 0);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    this.draws++;
    this.canvas.dataset.draws = String(this.draws);
    var q = this.section.querySelector.bind(this.section);
    q('.ww').textContent = Math.round(this.ww);
    q('.wc').textContent = Math.round(this.wc);
    q('.zoom').textContent = (this.zoom * 100).toFixed(0) + '%';
  };

  Viewer.prototype.fit = function () {
    var cw = this.canvas.width, ch = this.canvas.height;
    this.zoom = Math.min(cw / this.w, ch / this.h);
    this.panX = (cw - this.w * this.zoom) / 2;
    this.panY = (ch - this.h * this.zoom) / 2;
    this.draw();
    this.sync();
  };

  // zoom by factor around canvas point (cx, cy); 1:1 keeps the point under the cursor
  Viewer.prototype.zoomAt = function (zoom, cx, cy) {
    var ix = (cx - this.panX) / this.zoom, iy = (cy - this.panY) / this.zoom;
    this.zoom = Math.max(0.05, Math.min(32, zoom));
    this.panX = cx - ix * this.zoom;
    this.panY = cy - iy * this.zoom;
    this.draw();
    this.sync();
  };

  Viewer.prototype.sync = function () {
    var self = this;
    viewers.forEach(function (v) {
      if (v !== self && v.samples) { v.zoom = self.zoom; v.panX = self.panX; v.panY = self.panY; v.draw(); }
    });
  };

  Viewer.prototype.bind = function () {
    var self = this, canvas = this.canvas, section = this.section, drag = null;
    section.querySelectorAll('[data-tool]').forEach(function (b) {
      b.addEventListener('click', function () {
        self.tool = b.dataset.tool;
        section.querySelectorAll('[data-tool]').forEach(function (o) { o.classList.toggle('on', o === b); });
      });
    });
    section.querySelectorAll('[data-preset]').forEach(function (b) {
      b.addEventListener('click', function () { self.preset(b.dataset.preset); });
    });
    section.querySelectorAll('[data-zoom]').forEach(function (b) {
      b.addEventListener('click', function () {
        var cx = canvas.width / 2, cy = canvas.height / 2, z = b.dataset.zoom;
        if (z === 'fit') self.fit();
        else self.zoomAt(z === 'in' ? self.zoom * 1.25 : z === 'out' ? self.zoom / 1.25 : 1, cx, cy);
      });
    });
    section.querySelector('[data-invert]').addEventListener('click', function () {
      self.invert = !self.invert; self.render();
    });
    section.querySelector('[data-reset]').addEventListener('click', function () {
      self.invert = false; self.preset('auto'); self.fit();
    });
    canvas.addEventListener('mousedown', function (e) {
      drag = {x: e.clientX, y: e.clientY, pan: self.tool === 'pan' || e.button === 1 || e.shiftKey};
      e.preventDefault();
    });
    window.addEventListener('mousemove', function (e) {
      if (!drag) return;
      var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      drag.x = e.clientX; drag.y = e.clientY;
      if (drag.pan) { self.panX += dx; self.panY += dy; self.draw(); self.sync(); }
      else {
        // horizontal: window width, vertical: level (centre), in steps of the sample range per 512 pixels
        var step = (self.max + 1) / 512;
        self.ww = Math.max(1, self.ww + dx * step);
        self.wc = self.wc + dy * step;
        self.render();
      }
    });
    window.addEventListener('mouseup', function () { drag = null; });
    canvas.addEventListener('wheel', function (e) {
      e.preventDefault();
      var r = canvas.getBoundingClientRect();
      self.zoomAt(self.zoom * (e.deltaY < 0 ? 1.1 : 1 / 1.1), e.clientX - r.left, e.clientY - r.top);
    }, {passive: false});
  };

  function start() {
    document.querySelectorAll('section.study-view').forEach(function (section) {
      var canvas = section.querySelector('canvas.xray');
      if (!canvas) return;
      var box = section.querySelector('.viewport');
      canvas.width = Math.max(256, Math.floor(box.clientWidth));
      var top = box.getBoundingClientRect().top + window.scrollY;
      canvas.height = Math.max(256, Math.floor(window.innerHeight - top - 60));
      var v = new Viewer(section, canvas);
      viewers.push(v);
      v.load();
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
