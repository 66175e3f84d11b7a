"""Query chains of the conferences register."""
from reform.querysets import UnitScopedQuerySet


class ConferenceQuerySet(UnitScopedQuerySet):
    def countable(self) -> "ConferenceQuerySet":
        """Every conference except statutory regular sessions, which count in no conference target."""
        return self.filter(is_regular_session=False)

    def in_year(self, year: int) -> "ConferenceQuerySet":
        return self.filter(held_on__year=year)
