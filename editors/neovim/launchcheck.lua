-- launchcheck's language server in Neovim's built-in LSP client (Neovim 0.7 and newer).
-- Copy this file to ~/.config/nvim/plugin/launchcheck.lua (or `dofile` it from init.lua).
-- Set vim.g.launchcheck_path before it runs if `launchcheck` is not on PATH.
local cmd = { vim.g.launchcheck_path or 'launchcheck', 'lsp' }
local markers = { 'launchcheck.toml', '.git' }

if vim.lsp.config and vim.lsp.enable then -- Neovim 0.11+
  vim.lsp.config('launchcheck', { cmd = cmd, filetypes = { 'toml' }, root_markers = markers })
  vim.lsp.enable('launchcheck')
  return
end

-- Older releases: start (or reuse) one client per repository from a FileType autocommand.
-- The repository is the nearest folder upwards with launchcheck.toml, else with .git.
local function root_of(bufnr)
  local dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':p:h')
  local config = vim.fn.findfile('launchcheck.toml', dir .. ';')
  if config ~= '' then
    return vim.fn.fnamemodify(config, ':p:h')
  end
  local git = vim.fn.finddir('.git', dir .. ';')
  if git ~= '' then
    return vim.fn.fnamemodify(git, ':p:h:h')
  end
  return dir
end

local clients = {} -- repository root -> client id, for Neovim 0.7
vim.api.nvim_create_autocmd('FileType', {
  group = vim.api.nvim_create_augroup('launchcheck', { clear = true }),
  pattern = 'toml',
  callback = function(args)
    local root = root_of(args.buf)
    if vim.lsp.start then -- Neovim 0.8 to 0.10
      vim.lsp.start({ name = 'launchcheck', cmd = cmd, root_dir = root }, { bufnr = args.buf })
      return
    end
    local id = clients[root]
    if not id or vim.lsp.client_is_stopped(id) then
      id = vim.lsp.start_client({ name = 'launchcheck', cmd = cmd, root_dir = root })
      clients[root] = id
    end
    if id then
      vim.lsp.buf_attach_client(args.buf, id)
    end
  end,
})
