// The code page: counts down to when a new code may be asked for (from `resend_in`).
import { t } from "./i18n.js";

const form = document.querySelector(".resend");
const button = form?.querySelector("button");
const countdown = form?.querySelector(".resend__countdown");
let left = Number(form?.dataset.resendIn || 0);
const endsAt = Date.now() + left * 1000;

function tick() {
  left = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
  if (left > 0) {
    button.disabled = true;
    countdown.hidden = false;
    countdown.textContent = t("resend_in", { seconds: left });
    setTimeout(tick, 250);
  } else {
    button.disabled = false;
    countdown.hidden = true;
  }
}

if (form) tick();

// Keep only digits in the code field (people paste "123 456" or "123-456").
const code = document.querySelector('input[name="code"]');
code?.addEventListener("input", () => {
  const digits = code.value.replace(/\D/g, "").slice(0, 6);
  if (digits !== code.value) code.value = digits;
});
