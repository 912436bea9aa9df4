"""Rich rendering, shared by the commands (`show`, `diff`) and the browser's widgets.

`agent` turns a record into Rich renderables (header, powers, description, prompt) and plain
lines; `pieces` cuts an agent into the parts the detail pane paints one by one; `compare_layout`
lays out a two-way comparison (aligned rows, changed-word spans) for the terminal. Text from a
file only ever reaches Rich as `Text` objects, never as markup. No Textual here.
"""
