// Behaviour that inline handlers would otherwise carry (the CSP forbids inline scripts).
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
});
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) window.print();
});

// Notification chime: when the polled badge shows a newer unread notification than this browser has
// announced, play a two-tone "ding-dong" (Web Audio, no sound file) and read the notice aloud where the
// browser has a voice. The last announced id is kept per browser so a reload does not chime again.
function chime() {
  const AudioContext = window.AudioContext || window.webkitAudioContext;
  if (!AudioContext) return;
  const ctx = new AudioContext();
  [[880, 0], [660, 0.35]].forEach(([frequency, start]) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, ctx.currentTime + start);
    gain.gain.exponentialRampToValueAtTime(0.4, ctx.currentTime + start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + start + 0.6);
    osc.connect(gain).connect(ctx.destination);
    osc.start(ctx.currentTime + start);
    osc.stop(ctx.currentTime + start + 0.65);
  });
}

document.addEventListener("htmx:load", (event) => {
  const badge = event.detail.elt;
  if (!badge || badge.id !== "notification-badge" || !badge.dataset.newest) return;
  const newest = Number(badge.dataset.newest);
  const announced = Number(localStorage.getItem("countyhealth.announced") || 0);
  if (newest <= announced) return;
  localStorage.setItem("countyhealth.announced", String(newest));
  document.body.dataset.chimedFor = String(newest);  // lets browser tests see the announcement
  chime();
  if (window.speechSynthesis && document.documentElement.lang.startsWith("zh")) {
    const phrase = new SpeechSynthesisUtterance("叮咚，您有一份新的通知，请注意查收。" + (badge.dataset.title || ""));
    phrase.lang = "zh-CN";
    window.speechSynthesis.speak(phrase);
  }
});
