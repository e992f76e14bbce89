from accounts.sms import BaseSmsBackend

# Every code "sent" in this process, newest last: tests read it the way a phone would.
outbox: list[dict] = []


class MemoryBackend(BaseSmsBackend):
    def send_code(self, *, phone, code, sent_at):
        outbox.append({"phone": phone, "code": code, "sent_at": sent_at})
