"""Stage 6 — convert: the Word documents of a batch as PDF/A (`pdf`: LibreOffice, or Word through docx2pdf),
and the merged, bookmarked reading copy of each dossier (`merge`). Adding an output format is adding a
module here that `build.pdfs` calls.
"""
