"""What every line of one frame of a Line-API widget shares, worked out once per frame."""

from __future__ import annotations

from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip


class FrameConstants:
    """Mixin for a ScrollView drawing with `render_line`: width and base style once a frame.

    `scrollable_content_region` (gutter and scrollbar sums) and `rich_style` (a walk up the
    DOM) cost ~0.3-1 ms each; asked for on every line they cost ~30 ms of a 36-line first frame.
    """

    _frame: tuple[int, Style] | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame = (self.scrollable_content_region.width, self.rich_style)  # type: ignore[attr-defined]
        try:
            return super().render_lines(crop)  # type: ignore[misc,no-any-return]
        finally:
            self._frame = None

    def frame_constants(self) -> tuple[int, Style]:
        """(content width, base style): this frame's, or worked out now outside a frame."""
        return self._frame or (self.scrollable_content_region.width, self.rich_style)  # type: ignore[attr-defined]
