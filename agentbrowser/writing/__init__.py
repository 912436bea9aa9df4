"""Everything that writes a file: the atomic writer, `fix` and `install`/`convert`/`new`.

`atomic` writes through a temporary file in the target folder and `os.replace`, never over a
file that changed since it was read; `fixfiles` plans and applies repairs; `install` plans an
install (target, conversion, clash, what the file hides or grants) before writing it. Each
refuses a path that leaves its target folder. Browsing never writes:
the screens call into this package only when the user asks for a fix or an install.
"""
