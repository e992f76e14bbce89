"""Users, their sign-ins (sessions) and the one-time codes that prove a phone."""

import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.utils import timezone

USERNAME_PATTERN = r"^[a-z0-9_]{5,32}$"
AVATAR_URL_MAX = 2000
username_validator = RegexValidator(
    USERNAME_PATTERN, "5 to 32 characters: lowercase letters, digits and underscores."
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # The admin's sign-in finds staff whatever case they type their username in.
        return self.get(username=User.normalize_username(username))

    def create_user(self, phone: str, username: str, display_name: str, password=None, **extra):
        user = self.model(
            phone=phone,
            username=User.normalize_username(username),
            display_name=display_name,
            **extra,
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, phone: str, display_name: str, password=None):
        return self.create_user(
            phone, username, display_name, password, is_staff=True, is_superuser=True
        )


class Visibility(models.TextChoices):
    EVERYONE = "everyone", "Everyone"
    CHATS = "chats", "People I share a chat with"
    NOBODY = "nobody", "Nobody"


class Discovery(models.TextChoices):
    EVERYONE = "everyone", "Everyone"
    NOBODY = "nobody", "Nobody"


class User(AbstractBaseUser, PermissionsMixin):
    """A Tether account. People sign in with their phone; staff also have a password."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Null once the account is deleted, so that the number can register anew.
    phone = models.CharField(max_length=16, unique=True, null=True, blank=True)
    # Always stored through normalize_username (lowercased): unique whatever the case.
    username = models.CharField(max_length=32, unique=True, validators=[username_validator])
    display_name = models.CharField(max_length=100)
    bio = models.TextField(blank=True, validators=[MaxLengthValidator(500)])
    avatar_url = models.URLField(max_length=AVATAR_URL_MAX, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Privacy (contract: "Search and settings"): who sees last seen and online (both ways),
    # whether read state is shown in direct chats, and whether ?phone= finds this user.
    last_seen_visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.EVERYONE
    )
    read_receipts = models.BooleanField(default=True)
    phone_discovery = models.CharField(
        max_length=8, choices=Discovery.choices, default=Discovery.EVERYONE
    )

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["phone", "display_name"]

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return f"{self.display_name} (@{self.username})"

    @classmethod
    def normalize_username(cls, username: str) -> str:
        """The one place usernames are folded: Unicode-normalised (as Django does), then
        lowercased, so that names are unique whatever their case."""
        return super().normalize_username(username).lower()


class AuthSession(models.Model):
    """One sign-in: one refresh-token family. Its id travels in every token as ``sid``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="auth_sessions")
    device = models.CharField(max_length=200, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "session"
        ordering = ["-last_used_at"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="authsession_user_live")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.device or 'unknown device'}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class VerificationCode(models.Model):
    """A six-digit code sent to a phone for one purpose; only its keyed hash is stored."""

    class Purpose(models.TextChoices):
        SIGN_UP = "sign_up", "Sign-up"
        SIGN_IN = "sign_in", "Sign-in"
        DELETE_ACCOUNT = "delete_account", "Account deletion"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    phone = models.CharField(max_length=16)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64)
    # Sign-up keeps the name until the code proves the phone and the user is created.
    display_name = models.CharField(max_length=100, blank=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["phone", "-created_at"], name="code_phone_recent")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} code for {self.phone}"


class Block(models.Model):
    """``blocker`` blocks ``blocked``: in either direction, neither may open a chat with or
    send to the other, nor see the other's typing or presence."""

    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_received")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_unique_pair"),
        ]
        indexes = [models.Index(fields=["blocked", "blocker"], name="block_reverse")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"
