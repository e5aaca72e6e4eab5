// Draws a 12-lead ECG on standard paper: 25 mm/s, 10 mm/mV, 1 mm and 5 mm grid; 3×4 layout + lead II rhythm strip.
(function () {
  "use strict";
  var canvas = document.getElementById("ecg-canvas");
  if (!canvas) return;
  var zoom = document.getElementById("ecg-zoom");
  var LAYOUT = [["I", "aVR", "V1", "V4"], ["II", "aVL", "V2", "V5"], ["III", "aVF", "V3", "V6"]];
  var MM_W = 250 + 10, ROW_MM = 25; // 10 s at 25 mm/s plus a 10 mm calibration margin

  function grid(ctx, w, h, px) {
    ctx.fillStyle = "#fff8f6"; ctx.fillRect(0, 0, w, h);
    for (var mm = 0; mm * px <= w; mm++) {
      ctx.strokeStyle = mm % 5 ? "#f6cfc9" : "#e8908a"; ctx.lineWidth = mm % 5 ? 0.5 : 1;
      ctx.beginPath(); ctx.moveTo(mm * px, 0); ctx.lineTo(mm * px, h); ctx.stroke();
    }
    for (mm = 0; mm * px <= h; mm++) {
      ctx.strokeStyle = mm % 5 ? "#f6cfc9" : "#e8908a"; ctx.lineWidth = mm % 5 ? 0.5 : 1;
      ctx.beginPath(); ctx.moveTo(0, mm * px); ctx.lineTo(w, mm * px); ctx.stroke();
    }
  }

  function calibration(ctx, x, y, px) { // 1 mV, 200 ms pulse
    ctx.beginPath(); ctx.moveTo(x, y); ctx.lineTo(x + 2 * px, y); ctx.lineTo(x + 2 * px, y - 10 * px);
    ctx.lineTo(x + 7 * px, y - 10 * px); ctx.lineTo(x + 7 * px, y); ctx.lineTo(x + 9 * px, y); ctx.stroke();
  }

  function trace(ctx, values, rate, start, end, x0, y0, px, gain) {
    ctx.beginPath();
    for (var i = start; i < end && i < values.length; i++) {
      var x = x0 + ((i - start) / rate) * 25 * px, y = y0 - values[i] * 10 * px * (gain || 1);
      if (i === start) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    }
    ctx.stroke();
  }

  function draw(data) {
    var ctx = canvas.getContext("2d"), px = canvas.width / MM_W;
    canvas.height = Math.round(px * ROW_MM * 4 + px * 4);
    grid(ctx, canvas.width, canvas.height, px);
    ctx.strokeStyle = "#111"; ctx.lineWidth = 1.1; ctx.font = Math.round(3.5 * px) + "px sans-serif";
    ctx.fillStyle = "#111";
    var rate = data.rate, quarter = Math.round(2.5 * rate), boxes = [];
    LAYOUT.forEach(function (row, r) {
      var y0 = (r + 0.6) * ROW_MM * px;
      calibration(ctx, 0, y0, px);
      row.forEach(function (lead, c) {
        var x0 = (10 + c * 62.5) * px;
        trace(ctx, data.leads[lead], rate, c * quarter, (c + 1) * quarter, x0, y0, px);
        ctx.fillText(lead, x0 + px, y0 - 8 * px);
        boxes.push({lead: lead, x: x0, y: y0 - ROW_MM * px / 2, w: 62.5 * px, h: ROW_MM * px});
      });
    });
    var yr = 3.6 * ROW_MM * px;
    calibration(ctx, 0, yr, px);
    trace(ctx, data.leads.II, rate, 0, 10 * rate, 10 * px, yr, px);
    ctx.fillText("II", 11 * px, yr - 8 * px);
    boxes.push({lead: "II", x: 10 * px, y: yr - ROW_MM * px / 2, w: 250 * px, h: ROW_MM * px});
    canvas.addEventListener("click", function (event) {
      var rect = canvas.getBoundingClientRect(), sx = canvas.width / rect.width;
      var x = (event.clientX - rect.left) * sx, y = (event.clientY - rect.top) * (canvas.height / rect.height);
      boxes.forEach(function (b) { if (x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + b.h) enlarge(data, b.lead); });
    });
  }

  function enlarge(data, lead) { // the whole lead at double size: 50 mm/s equivalent on screen, 20 mm/mV
    zoom.hidden = false;
    var ctx = zoom.getContext("2d"), px = zoom.width / 260 * 2;
    grid(ctx, zoom.width, zoom.height, px);
    ctx.strokeStyle = "#111"; ctx.lineWidth = 1.3; ctx.fillStyle = "#111";
    ctx.font = "16px sans-serif"; ctx.fillText(lead, 8, 20);
    var y0 = zoom.height / 2;
    trace(ctx, data.leads[lead], data.rate, 0, 5 * data.rate, 5 * px / 2, y0, px);
    zoom.scrollIntoView({block: "nearest"});
  }

  fetch(canvas.dataset.src, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(draw);
})();
