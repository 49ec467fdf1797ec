(argument_list
  [(identifier) (field_access)] @reference)
