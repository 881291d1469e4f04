-- POST /api/v1/auth/login with a tenant user's credentials (Argon2id verification per request).
local report = dofile(os.getenv("LOAD_DIR") .. "/report.lua")
wrk.method = "POST"
wrk.path = "/api/v1/auth/login"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("LOAD_LOGIN_BODY")
done = report.done
