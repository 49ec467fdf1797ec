(use_declaration) @import

(mod_item
  name: (identifier)
  !body) @import
