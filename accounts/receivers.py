"""Keeps a deactivation made anywhere (admin form, shell, ``save()``) cutting the user off.

Connected strongly (``weak=False``): a weakly referenced receiver can be collected and
silently never run.
"""

from django.db import transaction
from django.db.models.signals import post_save, pre_save

from accounts.models import User
from accounts.signals import user_cut_off


def _remember_active(sender, instance: User, **kwargs) -> None:
    if instance.pk and not instance._state.adding:
        instance._was_active = (
            User.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
        )


def _cut_off_if_deactivated(sender, instance: User, created: bool, **kwargs) -> None:
    if created or instance.is_active or not getattr(instance, "_was_active", False):
        return
    from accounts.services.sessions import session_revoke_all

    session_revoke_all(user=instance)
    user_id = instance.pk
    transaction.on_commit(lambda: user_cut_off.send(sender=User, user_id=user_id))


pre_save.connect(_remember_active, sender=User, weak=False, dispatch_uid="user_was_active")
post_save.connect(_cut_off_if_deactivated, sender=User, weak=False, dispatch_uid="user_cut_off")
