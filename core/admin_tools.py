"""Admin building blocks shared by the apps."""

from django.contrib import admin


class TextInputFilter(admin.SimpleListFilter):
    template = "admin/text_input_filter.html"

    def lookups(self, request, model_admin):
        # A non-empty lookups() is what makes Django show the filter at all.
        return (("", ""),)

    def choices(self, changelist):
        # Carry the other active filters as hidden fields of the text box's form.
        self.hidden_params = [
            (name, value)
            for name, value in changelist.get_filters_params().items()
            if name != self.parameter_name
        ]
        return ()


class ReadOnlyAdminMixin:
    """Records that are written only through services: the admin shows, never edits."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
