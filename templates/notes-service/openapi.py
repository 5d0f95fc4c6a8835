"""The notes service's OpenAPI 3 document, served at /openapi.json: what a client may call."""

NOTE_ID = {"type": "integer", "readOnly": True, "example": 1}

DOCUMENT = {
    "openapi": "3.0.3",
    "info": {"title": "Notes", "version": "0.1.0"},
    "paths": {
        "/": {"get": {"summary": "Links", "responses": {"200": {"description": "links"}}}},
        "/notes": {
            "get": {
                "summary": "Notes, optionally those with one title",
                "parameters": [
                    {"name": "title", "in": "query", "required": False, "schema": {"type": "string"}}
                ],
                "responses": {"200": {"description": "total and ids"}},
            },
            "post": {
                "summary": "Keep a note",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewNote"}}},
                },
                "responses": {
                    "201": {
                        "description": "kept",
                        "content": {
                            "application/json": {
                                "schema": {"type": "object", "properties": {"id": NOTE_ID}}
                            }
                        },
                    },
                    "400": {"description": "no title"},
                },
            },
        },
        "/notes/{noteId}": {
            "get": {
                "summary": "One note",
                "parameters": [
                    {"name": "noteId", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {"200": {"description": "the note"}, "404": {"description": "none"}},
            }
        },
        "/login": {
            "post": {
                "summary": "A session token for a user",
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {"type": "object", "properties": {"user": {"type": "string"}}}
                        }
                    }
                },
                "responses": {"201": {"description": "the token"}},
            }
        },
        "/me": {
            "get": {
                "summary": "Who the token belongs to",
                "security": [{"session": []}],
                "responses": {"200": {"description": "the user"}, "401": {"description": "no token"}},
            }
        },
    },
    "components": {
        "securitySchemes": {"session": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "NewNote": {
                "type": "object",
                "required": ["title"],
                "properties": {
                    "title": {"type": "string", "example": "ward round"},
                    "text": {"type": "string", "example": "seen at 9"},
                },
            }
        },
    },
}
