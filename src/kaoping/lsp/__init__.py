"""`kaoping lsp`: the language server editors start over stdio (pygls).

One module a feature group, each a plain function of the checked scheme and a position, so
that the server module only wires them to the protocol:

- `schemes`: which files make up the scheme of an open file, open buffers standing in for the
  files on disk, and the checked result (diagnostics, model, index) cached by content;
- `index`: the declared names of a scheme, where each is declared and where each word is used;
- `positions`: kaoping's spans (lines and characters from 1) as LSP ranges (UTF-16 units);
- `diagnostics`, `hover`, `completion`, `navigation` (definition, references), `symbols`
  (the outline), `formatting` (through `kaoping fmt`'s formatter); `server` registers them with pygls.
"""
