// The code page: counts down to when a new code may be asked for (from `resend_in`), then
// shows the button that asks for it.
import { t } from "./i18n.js";

const box = document.querySelector(".resend");
const countdown = box?.querySelector(".resend__countdown");
const template = box?.querySelector("template");
const endsAt = Date.now() + Number(box?.dataset.resendIn || 0) * 1000;

function tick() {
  const left = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
  if (left > 0) {
    countdown.textContent = t("resend_in", { seconds: left });
    setTimeout(tick, 250);
    return;
  }
  countdown.remove();
  box.append(template.content.cloneNode(true));
  template.remove();
}

if (countdown && template) tick();

// Keep only digits in the code field (people paste "123 456" or "123-456").
const code = document.querySelector('input[name="code"]');
code?.addEventListener("input", () => {
  const digits = code.value.replace(/\D/g, "").slice(0, 6);
  if (digits !== code.value) code.value = digits;
});
