import logging

from accounts.sms import BaseSmsBackend

logger = logging.getLogger("tether.sms")


class ConsoleBackend(BaseSmsBackend):
    """Development backend: the code shows up in the server's log."""

    def send_code(self, *, phone, code, sent_at):
        logger.warning("SMS to %s: your Tether code is %s", phone, code)
