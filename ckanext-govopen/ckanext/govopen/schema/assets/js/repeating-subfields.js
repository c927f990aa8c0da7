/* govopen: panels that scheming's "Add" button clones from the hidden
 * repeating-template come with the template's controls disabled (see
 * govopen_repeating_subfields.html); enable them once they are real rows. */
(function ($) {
  $(document).on('scheming.subfield-group-init',
    '[data-module="scheming-repeating-subfields"]', function () {
      $(this).find('.scheming-repeating-subfields-group [data-govopen-template]')
        .prop('disabled', false)
        .removeAttr('data-govopen-template');
    });
})(jQuery);
