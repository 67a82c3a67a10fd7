"""Staff-entered text in every language the product speaks (django-modeltranslation): each
field below has a column per language (``title_ja``, ``title_en``, ``title_zh_hans`` ...), and
reading the field gives the page's language, or the Japanese where none was entered
(``events.selectors.text_language`` says which, for the ``lang`` attribute)."""

from modeltranslation.translator import TranslationOptions, register

from events.models import Course, Facility, Program


@register(Facility)
class FacilityTranslation(TranslationOptions):
    fields = ("name", "address", "access")


@register(Program)
class ProgramTranslation(TranslationOptions):
    fields = ("title", "description", "what_to_bring", "eligibility_note")


@register(Course)
class CourseTranslation(TranslationOptions):
    fields = ("title",)
