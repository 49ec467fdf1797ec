; Inside macros (assert_eq!(add(1, 2), 3)) code is a token tree, not calls: its names
; are what a test refers to.
(token_tree
  (identifier) @reference)

(arguments
  [(identifier) (scoped_identifier)] @reference)
