"""A send as clients write it (a REST body or a socket frame), turned into a service call.

Both doors come here so they answer alike: the input's shape is checked by the same
serializer, and a repeated ``client_id`` answers the original even when the rest of the input
is malformed (the contract checks it before any rule but authentication).
"""

from rest_framework.exceptions import ValidationError

from messaging.serializers import MessageSendSerializer, client_id_of
from messaging.services import SendResult, message_find_repeat, message_send


def message_send_from_input(*, sender, data) -> SendResult:
    serializer = MessageSendSerializer(data=data)
    if not serializer.is_valid():
        repeated = message_find_repeat(sender=sender, client_id=client_id_of(data))
        if repeated is not None:
            return repeated
        raise ValidationError(serializer.errors)
    return message_send(sender=sender, **serializer.validated_data)
