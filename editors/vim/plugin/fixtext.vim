" fixtext.vim — run fixtext on a buffer without losing data, and list what it changed.
" Commands (both default to the whole buffer, both take a range):
"   :Fixtext         filter the buffer's bytes through fixtext; the buffer is then UTF-8
"   :FixtextExplain  fill the quickfix list with the changed lines (see :help fixtext)
" Settings: g:fixtext_program (default 'fixtext'), g:fixtext_args (extra arguments, a List).
" The work is in autoload/fixtext.vim, loaded on first use.
if exists('g:loaded_fixtext') || &compatible
  finish
endif
let g:loaded_fixtext = 1

command! -range=% -bar Fixtext call fixtext#filter(<line1>, <line2>)
command! -range=% -bar FixtextExplain call fixtext#explain(<line1>, <line2>)
