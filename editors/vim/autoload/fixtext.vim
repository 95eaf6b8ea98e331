" autoload/fixtext.vim — what :Fixtext and :FixtextExplain do (plugin/fixtext.vim defines them).
"
" Why a plain :%!fixtext is not enough: vim holds a buffer in 'encoding' (utf-8), decoded from the
" file with 'fileencoding'. A file that mixes GBK and UTF-8 lines is valid in neither, so the
" default 'fileencodings' ends at latin1: every byte became one character. The filter gets the
" right bytes (vim converts the text back to latin1 for it) and returns UTF-8, but 'fileencoding'
" still says latin1, so :w converts the UTF-8 text to latin1 and every CJK character becomes '?'.
"
" So :Fixtext sends what :w would write (each line converted back to 'fileencoding': for latin1,
" exactly the file's bytes), puts fixtext's UTF-8 in the buffer and sets 'fileencoding' to utf-8.
" Because undo brings the old text back but not the old 'fileencoding', a BufWritePre hook puts
" the old 'fileencoding' back when the filtering has been undone (see s:before_write()).

let s:save_cpo = &cpo
set cpo&vim

" The counters of fixtext's explain records, in the order the summary names them.
let s:counters = ['invalid_sequences', 'mojibake_spans', 'entities_decoded', 'c1_fixed',
      \ 'pinyin_removed', 'shifted_fixed', 'shifted_reported', 'converted_spans']

function! s:norm(enc) abort
  return substitute(tolower(a:enc), '[-_]', '', 'g')
endfunction

function! s:utf8_vim() abort
  return s:norm(&encoding) ==# 'utf8'
endfunction

" Is the buffer's text converted between 'encoding' and 'fileencoding' when written?
function! s:converted() abort
  if &binary || &fileencoding ==# '' || s:norm(&fileencoding) ==# s:norm(&encoding)
    return 0
  endif
  " A Unicode 'fileencoding' (utf-16, ucs-4...) decodes exactly: the text is the file's text, and
  " fixtext gets it as UTF-8, which is what it would decode the file to itself.
  return !(s:utf8_vim() && &fileencoding =~? '^\%(utf\|ucs\)')
endfunction

" The bytes :w would write for one line. A line that does not convert (text typed or put in since
" the file was read, e.g. CJK in a latin1 buffer) could not be written either; it goes as it is,
" and fixtext reads it as the UTF-8 it is.
function! s:bytes(line) abort
  if a:line ==# ''
    return ''
  endif
  let b = iconv(a:line, &encoding, &fileencoding)
  return b ==# '' ? a:line : b
endfunction

" s:bytes() of every line, in one iconv() call when it can (a call per line costs seconds on a
" large file): not when a line holds a NUL (a NL in the line's string) or the whole fails.
function! s:bytes_of(lines) abort
  if match(a:lines, "\n") < 0
    let all = iconv(join(a:lines, "\n"), &encoding, &fileencoding)
    let split = split(all, "\n", 1)
    if all !=# '' && len(split) == len(a:lines)
      return split
    endif
  endif
  return map(copy(a:lines), 's:bytes(v:val)')
endfunction

" Sets buffer lines first.. to new (old: what they hold), in one setline() call over the span
" between the first and the last line that differ: one undo entry, and fast on large buffers.
function! s:set_lines(first, old, new) abort
  let n = len(a:old)
  let i = 0
  while i < n && a:new[i] ==# a:old[i]
    let i += 1
  endwhile
  if i == n
    return
  endif
  let j = n - 1
  while a:new[j] ==# a:old[j]
    let j -= 1
  endwhile
  call setline(a:first + i, a:new[i : j])
endfunction

function! s:error(msg) abort
  echohl ErrorMsg
  echomsg 'fixtext: ' . a:msg
  echohl None
endfunction

" Runs fixtext --explain=json on lines (byte strings; each gets a newline). Returns {'lines':
" output lines, 'records': explain records, 'warnings': other lines fixtext wrote on standard
" error}, or {} after saying why it failed.
function! s:run(lines) abort
  let prog = get(g:, 'fixtext_program', 'fixtext')
  if !executable(prog)
    call s:error(printf("program '%s' not found (set g:fixtext_program)", prog))
    return {}
  endif
  let [in, out, err] = [tempname(), tempname(), tempname()]
  " The redirections below are sh syntax, whatever the user's 'shell' is.
  let saved = [&shell, &shellcmdflag, &shellredir, &shellquote, &shellxquote]
  if has('unix')
    let [&shell, &shellcmdflag, &shellredir, &shellquote, &shellxquote] =
          \ ['/bin/sh', '-c', '>%s 2>&1', '', '']
  endif
  try
    " 'b' writes the items as they are (a NL inside an item is a NUL byte of the buffer)
    call writefile(a:lines + [''], in, 'b')
    let cmd = join(map([prog] + get(g:, 'fixtext_args', []) + ['--explain=json'],
          \ 'shellescape(v:val)'))
    call system(cmd . ' <' . shellescape(in) . ' >' . shellescape(out) . ' 2>' . shellescape(err))
    let status = v:shell_error
    let output = filereadable(out) ? readfile(out, 'b') : []
    let stderr = filereadable(err) ? readfile(err, 'b') : []
  finally
    let [&shell, &shellcmdflag, &shellredir, &shellquote, &shellxquote] = saved
    call delete(in) | call delete(out) | call delete(err)
  endtry
  " one json_decode for all the records: a call per record costs seconds on a large file
  try
    let records = json_decode('[' . join(filter(copy(stderr), 'v:val =~# "^{"'), ',') . ']')
  catch
    call s:error('could not read the explain records: ' . v:exception)
    return {}
  endtry
  let warnings = filter(stderr, 'v:val !~# "^{" && v:val !=# ""')
  if status != 0
    call s:error(printf('%s exited with %d%s', prog, status,
          \ empty(warnings) ? '' : ': ' . join(warnings, ' ')))
    return {}
  endif
  " every line sent ends with a newline, and fixtext keeps terminators: the last item is ''
  if !empty(output) && output[-1] ==# ''
    call remove(output, -1)
  endif
  if len(output) != len(a:lines)
    call s:error(printf('got %d lines back for %d; buffer left as it was', len(output), len(a:lines)))
    return {}
  endif
  return {'lines': output, 'records': records, 'warnings': warnings}
endfunction

" fixtext counts a lone CR as a line terminator, vim does not (it stays in the line as ^M): for
" each of fixtext's lines, [index of the buffer line in lines, index of the piece of that buffer
" line between lone CRs].
function! s:line_map(lines) abort
  if match(a:lines, "\r.") < 0
    return map(range(len(a:lines)), '[v:val, 0]')
  endif
  let map = []
  let i = 0
  for l in a:lines
    " a CR that ends a line sent is followed by the newline: a CR LF, no terminator of its own
    let crs = count(l, "\r") - (l =~# "\r$")
    call extend(map, map(range(1 + crs), '[i, v:val]'))
    let i += 1
  endfor
  return map
endfunction

" What was done to a line, from its explain record: the decoding (when the line was not UTF-8),
" then what each repair stage said.
function! s:describe(rec) abort
  let parts = []
  let enc = get(a:rec, 'encoding', '')
  if type(enc) == v:t_string && enc !=# '' && enc !=# 'UTF-8'
    call add(parts, enc . ' -> UTF-8')
  endif
  let what = get(a:rec, 'explain', '')
  if type(what) == v:t_string && what !=# ''
    call add(parts, what)
  endif
  return empty(parts) ? 'changed' : join(parts, '; ')
endfunction

" Quickfix items for the records of one run over buffer lines first.. (map: s:line_map()).
" fixtext gives columns as characters of the text it was working on ("span 5-17", "column 3"):
" The column can be turned into a byte column of the buffer line where it holds that text: on every
" line after :Fixtext (cols 'all'), on UTF-8 lines of an unconverted buffer before (cols 'utf8').
function! s:items(records, first, map, cols) abort
  let map = a:map
  let items = []
  for rec in a:records
    let n = get(rec, 'line', 0)
    if type(n) != v:t_number || n < 1 || n > len(map)
      continue
    endif
    let [off, piece] = map[n - 1]
    let lnum = a:first + off
    let item = {'bufnr': bufnr('%'), 'lnum': lnum, 'text': s:describe(rec), 'type': 'I'}
    let m = matchlist(get(rec, 'explain', ''), '\%(span\|column\) \(\d\+\)')
    if !empty(m) && (a:cols ==# 'all' || a:cols ==# 'utf8' && get(rec, 'encoding', '') ==# 'UTF-8')
      let text = getline(lnum)
      let before = 0
      if piece > 0
        " fixtext's line starts after the piece-th lone CR of the buffer line
        let pieces = split(text, "\r", 1)
        let before = strlen(join(pieces[: piece - 1], "\r")) + 1
        let text = get(pieces, piece, '')
      endif
      let idx = byteidxcomp(text, str2nr(m[1]) - 1)
      if idx >= 0
        let item.col = before + idx + 1
      endif
    endif
    call add(items, item)
  endfor
  return items
endfunction

" One line saying what a run did: changed lines (buffer lines: with lone CRs, several of fixtext's
" lines share one), decodings by encoding (fixtext's lines), the repairs' counters.
function! s:summary(records, map, nlines, nwarnings) abort
  " map() and join() run in C; a :for over every record and counter takes seconds
  let encs = filter(map(copy(a:records), 'get(v:val, "encoding", "")'),
        \ 'type(v:val) == v:t_string && v:val !=# "" && v:val !=# "UTF-8"')
  let decoded = {}
  for enc in uniq(sort(copy(encs)))
    let decoded[enc] = count(encs, enc)
  endfor
  let sums = {}
  for k in s:counters
    let total = eval('0' . join(map(copy(a:records), '"+" . get(v:val, k, 0)'), ''))
    if total > 0
      let sums[k] = total
    endif
  endfor
  let parts = map(sort(keys(decoded)), 'v:val . '' '' . decoded[v:val]')
  let parts += map(filter(copy(s:counters), 'has_key(sums, v:val)'),
        \ 'substitute(v:val, ''_'', '' '', ''g'') . '' '' . sums[v:val]')
  let changed = len(uniq(map(copy(a:records), 'get(a:map, v:val.line - 1, [-1])[0]')))
  let msg = printf('fixtext: %d of %d line%s changed', changed, a:nlines,
        \ a:nlines == 1 ? '' : 's')
  if !empty(parts)
    let msg .= ' (' . join(parts, ', ') . ')'
  endif
  if a:nwarnings
    let msg .= printf(', %d warning%s', a:nwarnings, a:nwarnings == 1 ? '' : 's')
  endif
  return msg
endfunction

" :[range]Fixtext
function! fixtext#filter(first, last) abort
  if !&modifiable
    call s:error("'modifiable' is off")
    return
  endif
  let conv = s:converted()
  let old = getline(a:first, a:last)
  let sent = conv ? s:bytes_of(old) : old
  let r = s:run(sent)
  if empty(r)
    return
  endif
  let view = winsaveview()
  let before = [&l:fileencoding, &l:bomb]
  " One undo block of its own, even in a script or a mapping that changed the buffer just before:
  " setting 'undolevels' closes the current block (:help undo-blocks).
  let &l:undolevels = &l:undolevels
  let tick = b:changedtick
  call s:set_lines(a:first, old, r.lines)
  if conv
    " The lines outside the range still hold text decoded from 'fileencoding', which is about to
    " become utf-8: they get their bytes back, so that :w writes them as they were read.
    for [from, to] in [[1, a:first - 1], [a:last + 1, line('$')]]
      if from <= to
        let lines = getline(from, to)
        call s:set_lines(from, lines, s:bytes_of(lines))
      endif
    endfor
  endif
  if !&binary
    " the buffer now holds UTF-8; a vim whose 'encoding' is not UTF-8 holds it as bytes, which an
    " empty 'fileencoding' writes as they are
    let &l:fileencoding = s:utf8_vim() ? 'utf-8' : ''
    setlocal nobomb
  endif
  call winrestview(view)
  let &l:undolevels = &l:undolevels
  if b:changedtick != tick
    call s:guard(before, [&l:fileencoding, &l:bomb])
  endif
  " the quickfix items are made when asked for (:FixtextExplain), from what is kept here
  let map = s:line_map(sent)
  let b:fixtext_last = {'tick': b:changedtick, 'first': a:first, 'records': r.records, 'map': map}
  for w in r.warnings
    echomsg w
  endfor
  echomsg s:summary(r.records, map, len(old), len(r.warnings))
        \ . (empty(r.records) ? '' : '; :FixtextExplain lists them')
  if !s:utf8_vim() && !empty(r.records)
    echomsg "fixtext: 'encoding' is " . &encoding . ': the buffer shows UTF-8 bytes (it is written right)'
  endif
endfunction

" :[range]FixtextExplain — after :Fixtext (buffer unchanged since), what it did; otherwise what it
" would do, the buffer left alone.
function! fixtext#explain(first, last) abort
  let last = get(b:, 'fixtext_last', {})
  if !empty(last) && last.tick == b:changedtick
    let items = filter(s:items(last.records, last.first, last.map, 'all'),
          \ 'v:val.lnum >= a:first && v:val.lnum <= a:last')
    let title = 'fixtext: changed'
  else
    let conv = s:converted()
    let sent = getline(a:first, a:last)
    if conv
      let sent = s:bytes_of(sent)
    endif
    let r = s:run(sent)
    if empty(r)
      return
    endif
    " A UTF-8 line of an unconverted buffer is the text fixtext worked on: columns hold. Any other
    " line is shown decoded by vim, not by fixtext.
    let items = s:items(r.records, a:first, s:line_map(sent), conv ? 'none' : 'utf8')
    let title = 'fixtext: would change'
  endif
  call setqflist([], ' ', {'title': title . ' ' . expand('%'), 'items': items})
  echomsg printf('fixtext: %d line%s in the quickfix list (:copen, :cnext)', len(items),
        \ len(items) == 1 ? '' : 's')
endfunction

" The undo guard. Each :Fixtext that changed text pushes {seq, before, after} ('fileencoding' and
" 'bomb' before and after it). At :w, the last pushed run still in the text decides the options;
" when every run has been undone the first one's 'before' comes back. Options the user set since
" (anything but what the guard last set) are left alone.
function! s:guard(before, after) abort
  if a:before ==# a:after
    return
  endif
  if !exists('b:fixtext_undo')
    let b:fixtext_undo = []
  endif
  call add(b:fixtext_undo, {'seq': undotree().seq_cur, 'before': a:before, 'after': a:after})
  let b:fixtext_set = a:after
  augroup fixtext_undo
    autocmd! * <buffer>
    autocmd BufWritePre <buffer> call s:before_write()
  augroup END
endfunction

" The undo blocks in the text now: the path from the root of the undo tree to its current
" position. An 'alt' list holds the branches that were undone and replaced at that point.
function! s:undo_path(chain, cur) abort
  let seqs = []
  for e in a:chain
    if has_key(e, 'alt')
      let p = s:undo_path(e.alt, a:cur)
      if !empty(p)
        return seqs + p
      endif
    endif
    call add(seqs, e.seq)
    if e.seq == a:cur
      return seqs
    endif
  endfor
  return []
endfunction

function! s:before_write() abort
  if !exists('b:fixtext_undo') || empty(b:fixtext_undo)
    return
  endif
  if [&l:fileencoding, &l:bomb] !=# get(b:, 'fixtext_set', [])
    return
  endif
  let t = undotree()
  let applied = t.seq_cur == 0 ? [] : s:undo_path(t.entries, t.seq_cur)
  let want = b:fixtext_undo[0].before
  for g in b:fixtext_undo
    if index(applied, g.seq) >= 0
      let want = g.after
    endif
  endfor
  if want !=# [&l:fileencoding, &l:bomb]
    let [&l:fileencoding, &l:bomb] = want
    let b:fixtext_set = want
    echomsg printf("fixtext: :Fixtext is undone here; writing with fileencoding=%s%s",
          \ want[0] ==# '' ? '(none)' : want[0], want[1] ? ' and a BOM' : '')
  endif
endfunction

let &cpo = s:save_cpo
unlet s:save_cpo
