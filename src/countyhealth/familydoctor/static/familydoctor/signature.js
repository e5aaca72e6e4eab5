// Signature pad for the contract forms: draw with a finger, stylus or mouse on <canvas data-signature-pad>;
// on submit the drawing goes into the hidden <input data-signature-input> as a PNG data URL. The phone app
// sends the same field. Loaded with <script src> because the CSP forbids inline scripts.
(function () {
  "use strict";

  function setUp(canvas) {
    const fieldset = canvas.closest("fieldset") || canvas.parentElement;
    const input = fieldset.querySelector("[data-signature-input]");
    const clear = fieldset.querySelector("[data-signature-clear]");
    const form = canvas.closest("form");
    const ctx = canvas.getContext("2d");
    let drawing = false;
    let drawn = false;

    function reset() {
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.strokeStyle = "#111";
      ctx.lineWidth = 2.5;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      drawn = false;
    }

    function point(event) {
      const box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height),
      };
    }

    reset();
    // After a form error the server sends the signature back: show it so the signer need not sign again.
    if (input.value && input.value.indexOf("data:image/png;base64,") === 0) {
      const image = new Image();
      image.onload = function () { ctx.drawImage(image, 0, 0, canvas.width, canvas.height); drawn = true; };
      image.src = input.value;
    }

    canvas.style.touchAction = "none";
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      const p = point(event);
      ctx.beginPath();
      ctx.moveTo(p.x, p.y);
      ctx.lineTo(p.x + 0.1, p.y + 0.1);
      ctx.stroke();
      drawn = true;
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      const p = point(event);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () { drawing = false; });
    });
    if (clear) {
      clear.addEventListener("click", function () { reset(); input.value = ""; });
    }
    if (form) {
      form.addEventListener("submit", function () { input.value = drawn ? canvas.toDataURL("image/png") : ""; });
    }
  }

  document.querySelectorAll("canvas[data-signature-pad]").forEach(setUp);
})();
