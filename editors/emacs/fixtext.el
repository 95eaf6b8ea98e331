;;; fixtext.el --- Run fixtext on a buffer -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1"))
;; Keywords: i18n, files
;; License: MIT

;;; Commentary:

;; fixtext turns text of unknown, mixed or damaged encoding into clean
;; UTF-8, line by line.  These commands run it on a buffer:
;;
;;   M-x fixtext-buffer    the whole buffer
;;   M-x fixtext-region    the region
;;   M-x fixtext-explain   a compilation-mode buffer listing what fixtext
;;                         changed (after `fixtext-buffer'/`fixtext-region')
;;                         or would change; RET or `next-error' jumps to
;;                         each change
;;
;; Why not just `shell-command-on-region': fixtext has to see the file's
;; bytes, and the buffer holds them decoded with the coding system Emacs
;; guessed (raw-text for a file mixing GBK and UTF-8 lines, latin-1 or
;; chinese-gbk with other settings).  These commands encode the text back
;; with `buffer-file-coding-system' (giving the bytes saving would write),
;; decode fixtext's output as UTF-8 and set `buffer-file-coding-system' to
;; utf-8 with the buffer's own line end style, so that saving writes what
;; `fixtext FILE' writes.  Undo takes back the text and the coding system
;; together.
;;
;; `fixtext-program' names the program, `fixtext-args' adds arguments
;; (e.g. ("--to" "simplified")).

;;; Code:

(require 'cl-lib)
(require 'compile)
(require 'json)
(require 'subr-x)

(defgroup fixtext nil
  "Clean text of mixed or damaged encodings with fixtext."
  :group 'i18n)

(defcustom fixtext-program "fixtext"
  "The fixtext program."
  :type 'string)

(defcustom fixtext-args nil
  "Extra arguments for fixtext, e.g. (\"--to\" \"simplified\")."
  :type '(repeat string))

(defconst fixtext--counters
  '(invalid_sequences mojibake_spans entities_decoded c1_fixed pinyin_removed
    shifted_fixed shifted_reported converted_spans)
  "The counters of fixtext's explain records, in the order of the summary.")

(defvar-local fixtext--last nil
  "What the last `fixtext-region' did here.
\(TICK START-LINE RECORDS LINE-MAP): TICK is `buffer-chars-modified-tick'
afterwards, LINE-MAP comes from `fixtext--line-map'.")

(defun fixtext--coding ()
  "The coding system that gives the bytes saving would write, Unix line ends.
Line ends stay out of it: fixtext keeps every line's terminator anyway, and
the buffer's line end style goes to the utf-8 coding system afterwards."
  (let ((cs (or buffer-file-coding-system 'undecided)))
    (if (memq (coding-system-type cs) '(undecided utf-8 utf-16))
        ;; undecided (a new buffer, an ASCII file): saving would pick a
        ;; coding system for the text, and utf-8 is what that text is.  A
        ;; Unicode coding system decoded the file exactly: fixtext gets the
        ;; text as UTF-8, without the BOM a -with-signature variant would
        ;; put before the region (fixtext drops a BOM anyway), and without
        ;; the NUL pattern it would have to recognise UTF-16 by in a short
        ;; region.
        'utf-8-unix
      (coding-system-change-eol-conversion cs 'unix))))

(defun fixtext--round-trips (bytes text cs)
  "Do BYTES decode with CS to TEXT?
\(`unencodable-char-position' will not do: it counts raw bytes as
unencodable, while every coding system writes them as they are.)"
  ;; raw-text decodes to a unibyte string: as multibyte, its bytes are
  ;; eight-bit characters
  (string= (string-to-multibyte (decode-coding-string bytes cs t)) text))

(defun fixtext--bytes (text cs)
  "TEXT encoded with CS, as saving would write it.
Text that does not come back from those bytes (typed or yanked since the
file was read, e.g. CJK in a latin-1 buffer) could not be saved either:
such a line goes as UTF-8, which fixtext reads as such.  Raw bytes
\(eight-bit characters) go as they are."
  (let ((bytes (encode-coding-string text cs t)))
    (if (fixtext--round-trips bytes text cs)
        bytes
      (mapconcat (lambda (line)
                   (let ((b (encode-coding-string line cs t)))
                     (if (fixtext--round-trips b line cs)
                         b
                       (encode-coding-string line 'utf-8-unix t))))
                 (split-string text "\n") "\n"))))

(defun fixtext--json (line)
  "The JSON object in LINE as an alist with symbol keys."
  (if (fboundp 'json-parse-string)
      ;; the native parser: json.el takes seconds over the records of a
      ;; large file
      (json-parse-string line :object-type 'alist :null-object nil)
    (let ((json-object-type 'alist) (json-key-type 'symbol))
      (json-read-from-string line))))

(defun fixtext--run (bytes)
  "Run fixtext --explain=json on the unibyte string BYTES.
Return (OUTPUT . RECORDS): OUTPUT the decoded text, RECORDS the explain
records as alists.  Signal an error saying what went wrong otherwise."
  (unless (executable-find fixtext-program)
    (user-error "fixtext: program `%s' not found (set `fixtext-program')"
                fixtext-program))
  (let ((err-file (make-temp-file "fixtext-err"))
        (out (generate-new-buffer " *fixtext-out*" t)))
    (unwind-protect
        (let ((status
               (with-temp-buffer
                 (set-buffer-multibyte nil)
                 (insert bytes)
                 (with-current-buffer out (set-buffer-multibyte nil))
                 (let ((coding-system-for-write 'binary)
                       (coding-system-for-read 'binary))
                   (apply #'call-process-region (point-min) (point-max)
                          fixtext-program nil (list out err-file) nil
                          (append fixtext-args '("--explain=json"))))))
              (records nil) (warnings nil))
          (with-temp-buffer
            (insert-file-contents err-file)
            (dolist (line (split-string (buffer-string) "\n" t))
              (if (string-prefix-p "{" line)
                  (push (fixtext--json line) records)
                (push line warnings))))
          (setq warnings (nreverse warnings))
          (unless (eq status 0)
            (error "fixtext: %s exited with %s%s" fixtext-program status
                   (if warnings (concat ": " (string-join warnings " ")) "")))
          (dolist (w warnings) (message "%s" w))
          (let ((output (with-current-buffer out
                          (decode-coding-string (buffer-string)
                                                'utf-8-unix t))))
            ;; every line keeps its terminator: as many line feeds come
            ;; back as went in
            (unless (= (cl-count ?\n bytes) (cl-count ?\n output))
              (error "fixtext: the line count changed; buffer left as it was"))
            (cons output (nreverse records))))
      (kill-buffer out)
      (delete-file err-file))))

(defun fixtext--describe (rec)
  "What was done to a line, from its explain record REC."
  (let ((enc (alist-get 'encoding rec))
        (what (alist-get 'explain rec))
        (parts nil))
    (when (and (stringp enc) (not (member enc '("" "UTF-8"))))
      (push (concat enc " -> UTF-8") parts))
    (when (and (stringp what) (not (string-empty-p what)))
      (push what parts))
    (if parts (string-join (nreverse parts) "; ") "changed")))

(defun fixtext--column (rec)
  "The first column (characters) fixtext names in REC's explanation, or nil."
  (let ((what (alist-get 'explain rec)))
    (when (and (stringp what)
               (string-match "\\(?:span\\|column\\) \\([0-9]+\\)" what))
      (string-to-number (match-string 1 what)))))

(defun fixtext--line-map (text)
  "Where each of fixtext's lines in TEXT is: a vector of (LINE-OFFSET . PIECE).
fixtext counts a lone CR as a line terminator, Emacs does not (it stays in
the line as ^M): PIECE counts the lone CRs before fixtext's line in the
buffer line.  nil when TEXT has no lone CR: fixtext's lines are the buffer's."
  (when (string-match-p "\r[^\n]" text)
    (let ((map nil) (i 0))
      (dolist (l (split-string text "\n"))
        ;; a CR that ends a line sent is followed by the newline: a CR LF,
        ;; not a terminator of its own
        (let ((crs (- (cl-count ?\r l) (if (string-suffix-p "\r" l) 1 0))))
          (dotimes (p (1+ crs))
            (push (cons i p) map)))
        (setq i (1+ i)))
      (vconcat (nreverse map)))))

(defun fixtext--piece-start (line piece)
  "Characters before the PIECE-th lone CR piece of buffer line LINE."
  (if (= piece 0)
      0
    (save-excursion
      (goto-char (point-min))
      (forward-line (1- line))
      (let ((pieces (split-string (buffer-substring-no-properties
                                   (point) (line-end-position))
                                  "\r")))
        (+ piece (apply #'+ (mapcar #'length (cl-subseq pieces 0 piece))))))))

(defun fixtext--summary (records map nlines)
  "One line saying what a run over NLINES lines did, from its RECORDS.
Changed lines are the buffer's (MAP from `fixtext--line-map': with lone
CRs, several of fixtext's lines share one); decodings count fixtext's."
  (let ((decoded nil) (sums nil) (parts nil))
    (dolist (rec records)
      (let ((enc (alist-get 'encoding rec)))
        (when (and (stringp enc) (not (member enc '("" "UTF-8"))))
          (cl-incf (alist-get enc decoded 0 nil #'equal))))
      (dolist (k fixtext--counters)
        (let ((v (alist-get k rec)))
          (when (and (integerp v) (> v 0))
            (cl-incf (alist-get k sums 0) v)))))
    (dolist (d (sort decoded (lambda (a b) (string< (car a) (car b)))))
      (push (format "%s %d" (car d) (cdr d)) parts))
    (dolist (k fixtext--counters)
      (when (alist-get k sums)
        (push (format "%s %d" (replace-regexp-in-string "_" " " (symbol-name k))
                      (alist-get k sums))
              parts)))
    (format "fixtext: %d of %d line%s changed%s"
            (length (delete-dups
                     (mapcar (lambda (rec)
                               (let ((n (1- (alist-get 'line rec))))
                                 (if map (car (aref map n)) n)))
                             records)))
            nlines
            (if (= nlines 1) "" "s")
            (if parts
                (format " (%s)" (string-join (nreverse parts) ", "))
              ""))))

(defun fixtext--set-coding (cs)
  "Set `buffer-file-coding-system' to CS, recording the way back for undo."
  (unless (eq buffer-undo-list t)
    (push (list 'apply #'fixtext--set-coding buffer-file-coding-system)
          buffer-undo-list))
  (set-buffer-file-coding-system cs t))

(defun fixtext--line-count (text)
  "Lines in TEXT as the buffer shows them (a last line without newline too)."
  (+ (cl-count ?\n text)
     (if (or (string-empty-p text) (string-suffix-p "\n" text)) 0 1)))

(defun fixtext--replace-lines (start old new)
  "Replace the lines of OLD (the text at START) that NEW changes.
Return the end of NEW.  Line by line, so that markers on unchanged lines
stay where they are, and in time proportional to the text (a character
diff such as `replace-buffer-contents' takes seconds over a few kilobytes
that all changed)."
  (save-excursion
    (goto-char start)
    (let ((olds (split-string old "\n"))
          (news (split-string new "\n")))
      (while olds
        (let ((bol (point)) (eol (line-end-position)))
          (unless (string= (car olds) (car news))
            (delete-region bol eol)
            (insert (car news))))
        (setq olds (cdr olds) news (cdr news))
        (when olds (forward-line 1)))
      (point))))

(defun fixtext--keep-rest-as-bytes (start end cs)
  "Outside START..END, turn lines CS saves differently from utf-8 into bytes.
A line outside the region holds text decoded with CS (latin-1,
chinese-gbk...); once the buffer saves as utf-8 or raw-text, its raw bytes
save as it was read."
  (unless (memq (coding-system-base cs) '(utf-8 raw-text no-conversion))
    (save-excursion
      (dolist (range (list (cons end (point-max)) (cons (point-min) start)))
        (goto-char (car range))
        (let ((stop (copy-marker (cdr range))))
          (while (< (point) stop)
            (let* ((bol (point)) (eol (line-end-position))
                   (line (buffer-substring-no-properties bol eol))
                   (bytes (fixtext--bytes line cs)))
              (unless (string= bytes (encode-coding-string line 'utf-8-unix t))
                (delete-region bol eol)
                (insert (string-to-multibyte bytes)))
              (forward-line 1)))
          (set-marker stop nil))))))

(defun fixtext--raw-bytes-p ()
  "Does the buffer hold raw bytes (eight-bit characters)?
utf-8 would write them as they are, but saving would ask for a coding
system first."
  (save-excursion
    (save-restriction
      (widen)
      (goto-char (point-min))
      (re-search-forward "[\x3fff80-\x3fffff]" nil t))))

;;;###autoload
(defun fixtext-region (start end)
  "Run fixtext on the lines between START and END, as saving would write them.
Then `buffer-file-coding-system' becomes utf-8 with the buffer's line end
style (raw-text when lines outside the region still hold bytes that are
not UTF-8).  Point stays on its line; undo takes back the text and the
coding system in one step."
  (interactive "r")
  (barf-if-buffer-read-only)
  (let* ((start (save-excursion (goto-char start) (line-beginning-position)))
         (end (save-excursion
                (goto-char end)
                (if (bolp) (point) (line-beginning-position 2))))
         (cs (fixtext--coding))
         (text (buffer-substring-no-properties start end))
         (run (fixtext--run (fixtext--bytes text cs)))
         (start-line (line-number-at-pos start t))
         (here (cons (line-number-at-pos nil t)
                     (- (point) (line-beginning-position))))
         (eol (coding-system-eol-type buffer-file-coding-system))
         (eol (if (integerp eol) eol 0))
         ;; one undo step of its own, even when a Lisp program changed the
         ;; buffer just before (the boundary goes before the group starts:
         ;; amalgamating removes the boundaries inside it)
         (group (progn (undo-boundary) (prepare-change-group))))
    (unwind-protect
        (progn
          (activate-change-group group)
          (let ((end (fixtext--replace-lines start text (car run))))
            (fixtext--keep-rest-as-bytes start end cs))
          (fixtext--set-coding
           (coding-system-change-eol-conversion
            (if (fixtext--raw-bytes-p) 'raw-text 'utf-8) eol))
          (undo-amalgamate-change-group group)
          (accept-change-group group)
          (setq group nil))
      (when group (cancel-change-group group)))
    (goto-char (point-min))
    (forward-line (1- (car here)))
    (forward-char (min (cdr here) (- (line-end-position) (point))))
    (setq fixtext--last (list (buffer-chars-modified-tick) start-line (cdr run)
                              (fixtext--line-map text)))
    (message "%s%s"
             (fixtext--summary (cdr run) (nth 3 fixtext--last)
                               (fixtext--line-count text))
             (if (cdr run) "; M-x fixtext-explain lists them" ""))))

;;;###autoload
(defun fixtext-buffer ()
  "Run fixtext on the whole buffer (see `fixtext-region')."
  (interactive)
  (save-restriction
    (widen)
    (fixtext-region (point-min) (point-max))))

;;;###autoload
(defun fixtext-explain ()
  "List fixtext's changes in a `compilation-mode' buffer, for `next-error'.
Right after `fixtext-buffer' or `fixtext-region', the changes they made;
otherwise the changes fixtext would make to the whole buffer, which is
left alone."
  (interactive)
  (let* ((source (current-buffer))
         (name (if buffer-file-name
                   (file-name-nondirectory buffer-file-name)
                 (buffer-name)))
         (done (and fixtext--last
                    (= (car fixtext--last) (buffer-chars-modified-tick))))
         (cs (fixtext--coding))
         (text (unless done (save-restriction (widen) (buffer-string))))
         (records (if done
                      (nth 2 fixtext--last)
                    (cdr (fixtext--run (fixtext--bytes text cs)))))
         (first-line (if done (nth 1 fixtext--last) 1))
         (map (if done (nth 3 fixtext--last) (fixtext--line-map text)))
         (entries
          (save-restriction
            (widen)
            (mapcar
             (lambda (rec)
               (let* ((n (1- (alist-get 'line rec)))
                      (where (if map (aref map n) (cons n 0)))
                      (line (+ first-line (car where)))
                      ;; fixtext's columns count characters of the text it
                      ;; worked on: the buffer's text after fixtext ran, or
                      ;; before it a line Emacs decoded as UTF-8 too
                      (utf8 (and (equal (alist-get 'encoding rec) "UTF-8")
                                 (eq (coding-system-base cs) 'utf-8)))
                      (col (and (or done utf8) (fixtext--column rec))))
                 (list line
                       (and col (+ col (fixtext--piece-start line (cdr where))))
                       (fixtext--describe rec))))
             records)))
         (buf (get-buffer-create "*fixtext-explain*")))
    (with-current-buffer buf
      (let ((inhibit-read-only t))
        (erase-buffer)
        (compilation-mode "fixtext-explain")
        (insert (format "fixtext: %s %s\n\n"
                        (if done "changed in" "would change in") name))
        (pcase-dolist (`(,line ,col ,what) entries)
          (insert (if col
                      (format "%s:%d:%d: %s\n" name line col what)
                    (format "%s:%d: %s\n" name line what))))
        (insert (format "\n%d line%s\n" (length entries)
                        (if (= (length entries) 1) "" "s"))))
      ;; every message is about the source buffer, whatever its name or
      ;; file; columns are characters, as fixtext counts them
      (setq-local compilation-parse-errors-filename-function
                  (lambda (_name) source))
      (setq-local compilation-error-screen-columns nil)
      (goto-char (point-min)))
    (setq next-error-last-buffer buf)
    (display-buffer buf)
    buf))

(provide 'fixtext)
;;; fixtext.el ends here
