import factory

from accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"+7916{n:07d}")
    username = factory.Sequence(lambda n: f"person_{n:05d}")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    # Saved with the row (a post-generation call was never saved, so force_login broke).
    password = factory.django.Password(None)
