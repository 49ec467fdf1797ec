; inherits: javascript
; TypeScript and TSX import and reference the way JavaScript does.
